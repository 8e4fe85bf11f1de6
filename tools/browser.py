"""Headless Chromium on the built book, with every request that would leave the machine blocked.

Used by the browser test (tests/browser/) and by `make screenshot`. Needs Debian's `chromium`
(`apt-get install chromium`) and the `playwright` Python package (no browser download).
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
# Flags that stop Chromium's own background traffic (updates, sync, safe browsing): on a closed
# network each of those would show up as a refused request.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise RuntimeError("Chromium was not found: install it with `apt-get install chromium` (Debian/Ubuntu).")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path = HTML) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) and yield the base URL."""
    if not (folder / "index.html").exists():
        raise RuntimeError(f"{folder}/index.html does not exist: run `make book` first.")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class PageReport:
    """What happened while one page loaded."""
    url: str
    blocked: list[str] = field(default_factory=list)        # requests that tried to leave the machine
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)         # local requests that failed (404, ...)
    broken_images: list[str] = field(default_factory=list)
    math_in_source: int = 0                                  # math elements in the HTML
    math_typeset: int = 0                                    # MathJax outputs rendered with a size
    widgets_in_source: int = 0
    widgets_rendered: int = 0
    cjk_characters: int = 0                                  # Chinese characters in the article
    cjk_glyphs: bool = False                                 # they draw as real glyphs, not as boxes
    edition_link: str = ""                                   # the link to the other edition


# Two different characters drawn in the article's font: with no CJK font both are the same empty box.
CJK_PROBE = """() => {
  const article = document.querySelector('article') || document.body;
  const text = article.innerText || '';
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const g = canvas.getContext('2d');
  const draw = (ch) => { g.clearRect(0, 0, 64, 64); g.font = '48px ' + getComputedStyle(article).fontFamily;
                         g.fillText(ch, 4, 52); return canvas.toDataURL(); };
  const link = document.querySelector('a.edition-switch');
  return {count: (text.match(/[\u4e00-\u9fff]/g) || []).length,
          glyphs: draw('中') !== draw('国') && draw('中') !== draw(' '),
          link: link ? link.href : ''};
}"""


@contextlib.contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def visit(b, base: str, path: str, screenshot: Path | None = None) -> PageReport:
    """Load `base + path` with the network blocked, wait for math and widgets, and report."""
    host = urlparse(base).netloc
    report = PageReport(url=base + path)
    context = b.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def route(r):
        parsed = urlparse(r.request.url)
        if parsed.scheme in ("data", "blob") or parsed.netloc == host:
            r.continue_()
        else:
            report.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and report.console_errors.append(m.text))
    page.on("pageerror", lambda e: report.console_errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and report.failed.append(f"{r.status} {r.url}"))
    page.goto(report.url, wait_until="load")
    report.math_in_source = page.locator(".math").count()
    if report.math_in_source:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
        page.evaluate("() => MathJax.startup.promise")
        report.math_typeset = page.evaluate(
            "() => Array.from(document.querySelectorAll('mjx-container svg'))"
            ".filter(s => s.getBoundingClientRect().width > 0).length")
    report.widgets_in_source = page.locator("script[type='application/vnd.jupyter.widget-view+json']").count()
    if report.widgets_in_source:
        with contextlib.suppress(Exception):
            page.wait_for_selector(".jupyter-widgets", timeout=15000)
        report.widgets_rendered = page.locator(".jupyter-widgets").count()
    page.wait_for_load_state("networkidle")
    cjk = page.evaluate(CJK_PROBE)
    report.cjk_characters, report.cjk_glyphs, report.edition_link = cjk["count"], cjk["glyphs"], cjk["link"]
    report.broken_images = page.evaluate(
        "() => Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=False)
    context.close()
    return report


def search(b, base: str, edition: str, query: str) -> list[str]:
    """The pages that the book's own search page lists for ``query``, in order (``edition`` is ""
    for English or "zh/"), loaded with every request off the machine refused."""
    host = urlparse(base).netloc
    context = b.new_context()
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).netloc == host else r.abort())
    try:
        page.goto(f"{base}{edition}search.html?q={quote(query)}", wait_until="load")
        # Sphinx fills the list as it scores pages, then writes a summary paragraph.
        page.wait_for_selector("#search-results p.search-summary", timeout=20000)
        links = page.eval_on_selector_all("#search-results ul.search li a",
                                          "links => links.map(a => a.getAttribute('href'))")
    finally:
        context.close()
    return [urlparse(link).path.lstrip("/") for link in links]


# axe-core's rule sets for WCAG 2.0 and 2.1, levels A and AA, and its best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SERIOUS = ("serious", "critical")
# Report only the failing nodes. axe otherwise describes every node that passed each rule (a
# selector and an HTML excerpt for each of thousands), which the check never reads: this keeps
# every rule and every node checked and took a quarter off the check's time (129 s -> 98 s for
# the English pages, alone on the course machine). axe-playwright-python sets it by default, but
# any `options` passed replace its defaults.
VIOLATIONS_ONLY = {"resultTypes": ["violations"]}
# An autodoc entry's signature after the first of its group (entries of a module, methods of a class).
REPEATED_SIGNATURES = "dl.py ~ dl.py > dt.sig"


def _violations(result) -> list[dict]:
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["html"][:160] for n in v["nodes"][:3]]} for v in result.response["violations"]]


def accessibility(b, base: str, path: str, modes=("light", "dark"), *,
                  code_contrast: bool = False) -> dict[str, list[dict]]:
    """axe-core's violations on one page in each colour mode: {mode: [{id, impact, nodes, help}]}.

    The page loads once, network blocked. The rules that do not depend on colour run once; the
    contrast rule runs in each mode, switched as the theme's own button does (``data-theme`` on
    <html>, checked before each run). Contrast inside syntax-highlighted code (thousands of
    tokens: half a chapter's check time, in colours the theme chose for WCAG) is checked only with
    ``code_contrast=True``, which the test does on one chapter per edition. Of the API page's
    signatures (autodoc: a dozen styled spans each, the same classes in every entry), the first
    of each group of entries is measured: the others repeat its colours and took a third longer.
    """
    from axe_playwright_python.sync_playwright import Axe

    host = urlparse(base).netloc
    context = b.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).netloc in (host, "")
               or urlparse(r.request.url).scheme in ("data", "blob") else r.abort())
    found = {}
    try:
        page.goto(base + path, wait_until="load")
        # Beside the page check on two busy cores, a chapter with many widgets once needed more than
        # playwright's default 30 s to go quiet; this waits longer, it checks nothing less.
        page.wait_for_load_state("networkidle", timeout=90_000)
        axe = Axe()
        structure = _violations(axe.run(page, options={
            **VIOLATIONS_ONLY,
            "runOnly": {"type": "tag", "values": AXE_TAGS}, "rules": {"color-contrast": {"enabled": False}}}))
        for mode in modes:
            page.evaluate("mode => { document.documentElement.dataset.theme = mode;"
                          " document.documentElement.dataset.mode = mode; }", mode)
            assert page.evaluate("() => document.documentElement.dataset.theme") == mode
            # The theme fades colours over a moment: measure contrast once the fades have ended.
            page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
            skipped = [] if code_contrast else [[".highlight"], [REPEATED_SIGNATURES]]
            contrast = axe.run(page, context={"exclude": skipped} if skipped else None,
                               options={**VIOLATIONS_ONLY, "runOnly": {"type": "rule", "values": ["color-contrast"]}})
            found[mode] = structure + _violations(contrast)
    finally:
        context.close()
    return found


def documented_entries(b, base: str, path: str) -> dict[str, str]:
    """The Python objects a page documents (an autodoc entry: dl.py > dt[id]): id -> entry text."""
    context = b.new_context()
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).netloc == urlparse(base).netloc
               else r.abort())
    page.goto(base + path, wait_until="domcontentloaded")
    entries = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('dl.py > dt[id]'))
        .map(dt => [dt.id, dt.parentElement.innerText]))""")
    context.close()
    return entries
