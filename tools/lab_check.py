"""Check the trading dashboard in a real JupyterLab, driven by headless Chromium.

    python -m tools.lab_check notebooks/08_trade.ipynb [screenshot.png]

Runs the notebook as a learner would (`tools.lab`: JupyterLab started as `make lab` starts it,
network blocked), then moves the dashboard's first slider with the keyboard and checks that its
chart IMAGE changed (its pixels, not just some text) and that the notebook shows inline figures.
Beside the screenshot it writes the chart before and after the move (``*_chart_before.png``,
``*_chart_after.png``). Exits non-zero if any step fails.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tools.lab import LabRun, copy_for_lab, jupyterlab, lab_page, run_all


@dataclass
class DashboardCheck:
    """What the dashboard did when its first slider moved."""
    widgets: int = 0
    has_chart: bool = False
    chart_changed: bool = False
    text_changed: bool = False

    @property
    def ok(self) -> bool:
        # A dashboard must draw its chart as an image and redraw it: text changing is not enough.
        return bool(self.widgets and self.has_chart and self.chart_changed)


def _outputs_text(page) -> str:
    return page.evaluate("() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
                         ".map(e => e.innerText).join('\\n')")


def _beside(screenshot: str | Path, suffix: str) -> str:
    path = Path(screenshot)
    return str(path.with_name(f"{path.stem}_{suffix}{path.suffix}"))


def move_first_slider(page, screenshot: str | Path) -> DashboardCheck:
    """On a notebook that has run: move the first slider five steps right; compare the chart."""
    check = DashboardCheck(widgets=page.locator(".jupyter-widgets").count())
    chart = page.locator("img.widget-image").first
    check.has_chart = page.locator("img.widget-image").count() > 0
    before_text = _outputs_text(page)
    if check.has_chart:
        chart.scroll_into_view_if_needed()
        before, src_before = chart.screenshot(path=_beside(screenshot, "chart_before")), chart.get_attribute("src")
    handle = page.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(2000)
    if check.has_chart:
        # The widget swaps in a new image when its PNG changes; wait for that, then compare pixels.
        try:
            page.wait_for_function("(s) => document.querySelector('img.widget-image')?.src !== s",
                                   arg=src_before, timeout=30000)
        except Exception:  # noqa: BLE001 (no new image: the comparison below reports it)
            pass
        page.wait_for_timeout(500)
        chart.scroll_into_view_if_needed()
        check.chart_changed = before != chart.screenshot(path=_beside(screenshot, "chart_after"))
    check.text_changed = before_text != _outputs_text(page)
    Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=False)
    return check


def main(notebook: str, screenshot: str = "_build/lab_check.png") -> int:
    path = copy_for_lab(notebook)
    with jupyterlab() as (base, token), lab_page(base, token) as (page, run):
        run: LabRun = run_all(page, run, base, token, path)
        check = move_first_slider(page, screenshot)
    print(f"{path}: all cells ran in {run.seconds:.0f} s; {check.widgets} widget views; {run.images} images; "
          f"dashboard chart image: {check.has_chart}; the first slider moved -> chart image changed: "
          f"{check.chart_changed}, text changed: {check.text_changed}; errors: {run.errors or 'none'}; "
          f"blocked requests: {run.blocked or 'none'}; page errors: {run.page_errors or 'none'}; "
          f"screenshot: {screenshot}")
    return 0 if (check.ok and not run.errors and not run.blocked and not run.page_errors) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
