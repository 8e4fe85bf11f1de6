"""Check the trading dashboard in a real JupyterLab, driven by headless Chromium.

    python -m tools.lab_check notebooks/08_trade.ipynb [screenshot.png]

Runs the notebook as a learner would (`tools.lab`: JupyterLab started as `make lab` starts it,
network blocked), then steps the dashboard's first control with the arrow keys and checks that its
chart IMAGE changed (its pixels, not just some text), that axe-core finds no serious or critical
accessibility violation in the dashboard, that no progress bar is red and that every training
bar says how training ended. Beside the screenshot it writes the chart before and after the change
(``*_chart_before.png``, ``*_chart_after.png``). Exits non-zero if any step fails.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.browser import AXE_TAGS, SERIOUS
from tools.lab import LabRun, copy_for_lab, jupyterlab, lab_page, run_all

DASHBOARD = "[data-lab-check=dashboard]"  # the output element holding the dashboard, once marked


@dataclass
class DashboardCheck:
    """What the dashboard did when its first control stepped."""
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


def mark_dashboard(page) -> bool:
    """Mark the output element that holds the dashboard (its chart is the only `img.widget-image`)
    with DASHBOARD's attribute, so that axe and the keyboard reach that output and nothing else."""
    return page.evaluate("""() => {
        const chart = document.querySelector('.jp-OutputArea-output img.widget-image');
        const output = chart && chart.closest('.jp-OutputArea-output');
        if (output) output.dataset.labCheck = 'dashboard';
        return Boolean(output);
    }""")


def change_first_control(page, screenshot: str | Path) -> DashboardCheck:
    """On a notebook that has run: step the dashboard's first control up five times with the
    arrow key (as a keyboard user would); compare the chart before and after."""
    check = DashboardCheck(widgets=page.locator(".jupyter-widgets").count())
    check.has_chart = mark_dashboard(page)
    chart = page.locator(f"{DASHBOARD} img.widget-image").first
    before_text = _outputs_text(page)
    if check.has_chart:
        chart.scroll_into_view_if_needed()
        before, src_before = chart.screenshot(path=_beside(screenshot, "chart_before")), chart.get_attribute("src")
    control = page.locator(f"{DASHBOARD} input:not([disabled])").first
    control.scroll_into_view_if_needed()
    control.focus()
    for _ in range(5):
        page.keyboard.press("ArrowUp")
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


def dashboard_accessibility(page) -> list[dict]:
    """axe-core's serious and critical violations inside the dashboard's output (the book's tags,
    tools.browser.AXE_TAGS); JupyterLab's own interface around it is not the course's to fix."""
    from axe_playwright_python.sync_playwright import Axe

    if not mark_dashboard(page):
        return [{"id": "no-dashboard", "impact": "critical", "help": "no dashboard chart was found",
                 "nodes": []}]
    result = Axe().run(page, context=DASHBOARD,
                       options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
            for v in result.response["violations"] if v["impact"] in SERIOUS]


def progress_bars(page) -> list[dict]:
    """Every ipywidgets progress bar in the outputs: its style classes, how full it is (percent)
    and the text of its row (tqdm's notebook bar is a row: description, bar, counts)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll(
            '.jp-OutputArea-output .widget-hprogress, .jp-OutputArea-output .widget-vprogress'))
        .map(p => { const bar = p.querySelector('.progress-bar');
                    const row = p.closest('.widget-hbox') || p;
                    return {classes: Array.from(bar.classList), percent: parseFloat(bar.style.width),
                            text: row.innerText.replace(/\\s+/g, ' ').trim()}; })""")


def bar_problems(bars: list[dict]) -> list[str]:
    """What is wrong with the progress bars after a run: a red bar (tqdm turns a bar red, its
    colour for an error, when it closes before its total, as early stopping did), a bar left
    part-full, or a training bar whose text does not say how training ended."""
    problems = []
    for bar in bars:
        if "progress-bar-danger" in bar["classes"]:
            problems.append(f"red bar: {bar['text']!r}")
        elif not bar["percent"] >= 100:
            problems.append(f"bar left at {bar['percent']}%: {bar['text']!r}")
        if "epoch" in bar["text"] and not re.search(r"stopped early at epoch \d+|kept epoch \d+", bar["text"]):
            problems.append(f"training bar does not say how training ended: {bar['text']!r}")
    return problems


def main(notebook: str, screenshot: str = "_build/lab_check.png") -> int:
    path = copy_for_lab(notebook)
    with jupyterlab() as (base, token), lab_page(base, token) as (page, run):
        run: LabRun = run_all(page, run, base, token, path)
        check = change_first_control(page, screenshot)
        bars = bar_problems(progress_bars(page))
        axe = dashboard_accessibility(page)
    print(f"{path}: all cells ran in {run.seconds:.0f} s; {check.widgets} widget views; {run.images} images; "
          f"dashboard chart image: {check.has_chart}; the first control stepped -> chart image changed: "
          f"{check.chart_changed}, text changed: {check.text_changed}; errors: {run.errors or 'none'}; "
          f"blocked requests: {run.blocked or 'none'}; page errors: {run.page_errors or 'none'}; "
          f"screenshot: {screenshot}")
    print(f"progress bars: {'; '.join(bars) or 'none red or unfinished'}; serious or critical "
          f"accessibility violations in the dashboard: {axe or 'none'}")
    return 0 if (check.ok and not bars and not axe and not run.errors and not run.blocked
                 and not run.page_errors) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
