"""Drive a real JupyterLab with headless Chromium: open a notebook, run it all, read what it shows.

    python -m tools.lab notebooks/02_baseline.ipynb [screenshot.png]

JupyterLab is started the way `make lab` starts it (the course's environment and kernel, no test
settings: figures and progress bars on) on 127.0.0.1, and every request that would leave the
machine is blocked and recorded. The notebook is copied under _build/lab/ first, so that
JupyterLab's autosave never writes outputs into a chapter.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from tools.browser import CHROMIUM_ARGS, chromium_path
from tools.setup_course import TEST_ONLY  # the test-only settings a learner's run never carries

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab() -> Iterator[str]:
    """A JupyterLab server on the repository, as `make lab` runs it; yields its base URL with token."""
    port, token = free_port(), secrets.token_hex(16)
    # A settings folder of its own: the developer's personal JupyterLab settings stay out of the
    # test, which sees the settings every learner gets (tools/setup_course.py writes them).
    scratch = Path(tempfile.mkdtemp(prefix="lab-settings-"))
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
           f"--LabApp.user_settings_dir={scratch / 'settings'}",
           f"--LabApp.workspaces_dir={scratch / 'workspaces'}",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0:  # containers and CI run as root (`make lab` does the same)
        cmd.append("--allow-root")
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    lab = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("JupyterLab did not start within 60 s")
        yield f"http://127.0.0.1:{port}", token
    finally:
        lab.terminate()
        lab.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass
class LabRun:
    """What one notebook showed in JupyterLab after Run All."""
    notebook: str
    seconds: float = 0.0
    markdown: list[str] = field(default_factory=list)     # rendered text of every markdown cell
    images: int = 0                                       # inline images in the outputs, loaded
    progress_seen: bool = False                           # a progress bar was on screen while it ran
    errors: list[str] = field(default_factory=list)       # error outputs of cells
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@contextlib.contextmanager
def lab_page(base: str, token: str) -> Iterator[tuple[object, LabRun]]:
    from playwright.sync_api import sync_playwright

    run = LabRun(notebook="")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})

        def route(r):
            if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost") or r.request.url.startswith("data:"):
                r.continue_()
            else:
                run.blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: run.page_errors.append(str(e)))
        try:
            yield page, run
        finally:
            browser.close()


def copy_for_lab(notebook: str | Path) -> str:
    """Copy a notebook under _build/lab/ (autosave writes outputs there); return its lab path."""
    source = Path(notebook)
    source = source if source.is_absolute() else ROOT / source
    copy = ROOT / "_build" / "lab" / source.parent.name / source.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, copy)
    return copy.relative_to(ROOT).as_posix()


def _busy(page) -> bool:
    return page.evaluate(
        "() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status !== 'idle'"
        " || Array.from(document.querySelectorAll('.jp-InputArea-prompt')).some(e => e.innerText.includes('*'))")


def run_all(page, run: LabRun, base: str, token: str, notebook: str, timeout: float = 300) -> LabRun:
    """Open ``notebook`` (a path under the root), Run All, wait until it is done; fill ``run``."""
    run.notebook = notebook
    page.goto(f"{base}/lab/workspaces/check-{secrets.token_hex(4)}/tree/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook", timeout=60000)
    page.wait_for_function("() => /\\| Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')",
                           timeout=60000)
    news = page.get_by_role("button", name="No", exact=True)  # the "official Jupyter news?" toast
    if news.count():
        news.first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    t0 = time.perf_counter()
    page.wait_for_timeout(1000)
    while time.perf_counter() - t0 < timeout:
        if page.locator(".jp-OutputArea-output progress, .jp-OutputArea-output .progress-bar,"
                        " .jp-OutputArea-output .widget-hprogress").count():
            run.progress_seen = True
        if not _busy(page):
            page.wait_for_timeout(1500)  # markdown cells render their expressions after the reply
            if not _busy(page):
                break
        page.wait_for_timeout(250)
    else:
        raise RuntimeError(f"{notebook}: still running after {timeout:.0f} s")
    run.seconds = time.perf_counter() - t0
    run.markdown = page.evaluate(
        "() => Array.from(document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown,"
        " .jp-MarkdownCell .myst'))"
        ".filter(e => !e.parentElement.closest('.jp-RenderedMarkdown, .myst')).map(e => e.innerText)")
    run.images = page.evaluate(
        "() => Array.from(document.querySelectorAll('.jp-OutputArea-output img'))"
        ".filter(i => i.complete && i.naturalWidth > 0).length")
    run.errors = page.evaluate(
        "() => Array.from(document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]'))"
        ".map(e => e.innerText.slice(0, 300)).filter(t => /Error|Traceback/.test(t))")
    return run


def main(notebook: str, screenshot: str | None = None) -> int:
    path = copy_for_lab(notebook)
    with jupyterlab() as (base, token), lab_page(base, token) as (page, run):
        run_all(page, run, base, token, path)
        if screenshot:
            page.screenshot(path=screenshot, full_page=False)
    print(f"{path}: ran in {run.seconds:.0f} s; {run.images} images; progress bar seen: {run.progress_seen}; "
          f"errors: {run.errors or 'none'}; blocked: {run.blocked or 'none'}; page errors: {run.page_errors or 'none'}")
    for i, text in enumerate(run.markdown):
        print(f"--- markdown {i}\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
