"""Check a notebook's widgets in a real JupyterLab, driven by headless Chromium.

    python -m tools.lab_check notebooks/08_trade.ipynb [screenshot.png]

Starts JupyterLab on 127.0.0.1 with the course's environment, opens a copy of the notebook
(under _build/, so that JupyterLab's autosave never writes outputs into a chapter), runs all
cells from the Run menu, waits for the widgets to render, then moves the first slider with the
keyboard and checks that the dashboard's chart IMAGE changed in response (its pixels, not just
some text), and that the notebook shows inline figures. Every request that would leave the
machine is blocked and reported. Exits non-zero if any step fails. Beside the screenshot it writes
the chart before and after the move (``*_chart_before.png``, ``*_chart_after.png``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from tools.browser import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
# Run All on a loaded 2-core machine can take minutes before the dashboard cell is reached.
SLIDER_WAIT_S = int(os.environ.get("LAB_CHECK_WAIT_S", "600"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(port: int, token: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0:  # containers and CI run as root
        cmd.append("--allow-root")
    lab = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1)
            return lab
        except OSError:
            time.sleep(0.5)
    lab.kill()
    raise RuntimeError("JupyterLab did not start within 60 s")


def outputs_text(page) -> str:
    return page.evaluate("() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
                         ".map(e => e.innerText).join('\\n')")


def scroll_until(page, selector: str, steps: int = 200) -> bool:
    """Scroll the notebook down a screen at a time until ``selector`` is in the page."""
    for _ in range(steps):
        if page.locator(selector).count():
            return True
        at_end = page.evaluate("() => { const p = document.querySelector('.jp-WindowedPanel-outer')"
                               " || document.querySelector('.jp-Notebook');"
                               " const end = p.scrollTop + p.clientHeight >= p.scrollHeight - 2;"
                               " p.scrollTop += p.clientHeight * 0.8; return end; }")
        page.wait_for_timeout(300)
        if at_end and not page.locator(selector).count():
            return False
    return bool(page.locator(selector).count())


def main(notebook: str, screenshot: str = "_build/lab_check.png") -> int:
    from playwright.sync_api import sync_playwright

    # JupyterLab autosaves what it runs: work on a copy so that the chapter never gains outputs.
    copy = ROOT / "_build" / "lab_check" / Path(notebook).name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / notebook, copy)
    notebook = copy.relative_to(ROOT).as_posix()

    port, token = free_port(), secrets.token_hex(16)
    lab = start_lab(port, token)
    blocked: list[str] = []
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})

            def route(r):
                if urlparse(r.request.url).hostname in ("127.0.0.1", "localhost") or r.request.url.startswith("data:"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda e: errors.append(str(e)))
            # A workspace of its own, reset, so that no notebook of an earlier session is restored.
            page.goto(f"http://127.0.0.1:{port}/lab/workspaces/check-{token[:8]}/tree/{notebook}?reset&token={token}")
            page.wait_for_selector(".jp-Notebook", timeout=60000)
            # The kernel is connected once the status bar reads "<kernel> | Idle".
            page.wait_for_function("() => /\\| Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')",
                                   timeout=60000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            t0 = time.perf_counter()
            # Wait until the kernel has run every cell: busy first, then idle with no cell pending.
            try:
                page.wait_for_function("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                                       "?.dataset.status !== 'idle'", timeout=30000)
            except Exception:
                pass  # a very short notebook may already be done
            page.wait_for_function(
                "() => document.querySelector(\".jp-Notebook-ExecutionIndicator\")?.dataset.status === 'idle'"
                " && !Array.from(document.querySelectorAll('.jp-InputArea-prompt')).some(e => e.innerText.includes('*'))",
                timeout=SLIDER_WAIT_S * 1000)
            # JupyterLab renders only the cells near the viewport: scroll down until a slider shows.
            if not scroll_until(page, ".widget-slider"):
                page.screenshot(path=screenshot, full_page=False)
                errs = page.evaluate("() => Array.from(document.querySelectorAll("
                                     "'.jp-RenderedText[data-mime-type=\"application/vnd.jupyter.stderr\"]'))"
                                     ".map(e => e.innerText.slice(0, 500))")
                raise RuntimeError(f"all cells ran but no slider rendered; stderr outputs: {errs}; see {screenshot}")
            ran = time.perf_counter() - t0
            sliders = page.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle")
            n_widgets = page.locator(".jupyter-widgets").count()
            before = outputs_text(page)
            n_figures = page.locator(".jp-OutputArea-output img").count() - page.locator(
                ".jp-OutputArea-output img.widget-image").count()
            chart = page.locator("img.widget-image").first
            has_chart = page.locator("img.widget-image").count() > 0
            if has_chart:
                chart.scroll_into_view_if_needed()
                chart_before = chart.screenshot(path=_beside(screenshot, "chart_before"))
                src_before = chart.get_attribute("src")
            handle = sliders.first
            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(5):
                page.keyboard.press("ArrowRight")
            page.wait_for_timeout(4000)
            chart_changed = False
            if has_chart:
                # The widget swaps in a new image when its PNG changes; wait for that, then compare pixels.
                try:
                    page.wait_for_function("(s) => document.querySelector('img.widget-image')?.src !== s",
                                           arg=src_before, timeout=30000)
                except Exception:
                    pass
                page.wait_for_timeout(500)
                chart.scroll_into_view_if_needed()
                chart_after = chart.screenshot(path=_beside(screenshot, "chart_after"))
                chart_changed = chart_before != chart_after
            after = outputs_text(page)
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=screenshot, full_page=False)
            browser.close()
    finally:
        lab.terminate()
        lab.wait(timeout=30)
    changed = before != after
    print(f"{notebook}: all cells ran in {ran:.0f} s; {n_widgets} widget views rendered; "
          f"{n_figures} inline figures; dashboard chart image: {has_chart}; "
          f"the first slider moved -> outputs changed: {changed}, chart image changed: {chart_changed}; "
          f"blocked requests: {blocked or 'none'}; page errors: {errors or 'none'}; screenshot: {screenshot}")
    # A dashboard must draw its chart as an image and redraw it: text changing is not enough.
    ok = changed and n_widgets and has_chart and chart_changed and not blocked and not errors
    return 0 if ok else 1


def _beside(screenshot: str, suffix: str) -> str:
    path = Path(screenshot)
    return str(path.with_name(f"{path.stem}_{suffix}{path.suffix}"))


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
