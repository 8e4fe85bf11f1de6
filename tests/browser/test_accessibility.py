"""Every page of both editions passes axe-core's WCAG 2.1 A/AA checks, in light and dark mode,
with no serious or critical violation (moderate and minor ones are printed, not failed)."""

import pytest

from tests.browser.test_pages import toc_pages
from tools.browser import HTML, SERIOUS, accessibility

pytestmark = pytest.mark.book


@pytest.mark.parametrize("path", toc_pages() + ["zh/" + p for p in toc_pages()])
def test_page_is_accessible(site, path):
    b, base = site
    found = accessibility(b, base, path)
    assert set(found) == {"light", "dark"}
    serious = {mode: [v for v in found[mode] if v["impact"] in SERIOUS] for mode in found}
    for mode, violations in found.items():
        minor = sorted({v["id"] for v in violations if v["impact"] not in SERIOUS})
        if minor:
            print(f"{path} ({mode}): moderate/minor: {', '.join(minor)}")
    assert not any(serious.values()), f"{path}: serious accessibility violations {serious}"


@pytest.mark.parametrize("path", ["notebooks/02_baseline.html", "zh/notebooks/02_baseline.html"])
def test_code_highlighting_has_enough_contrast(site, path):
    """The syntax colours, left out of the per-page contrast runs for time, on one chapter each."""
    b, base = site
    found = accessibility(b, base, path, code_contrast=True)
    serious = [v for mode in found for v in found[mode] if v["impact"] in SERIOUS]
    assert not serious, f"{path}: {serious}"


def test_the_check_finds_a_violation(site, tmp_path):
    """The check can fail: an image without alternative text is a critical violation."""
    b, base = site
    page = HTML / "_a11y_probe.html"
    page.write_text('<!doctype html><html lang="en"><head><title>probe</title></head><body><main>'
                    '<img src="_static/logo.svg"><p style="color:#aaa;background:#fff">faint</p>'
                    '</main></body></html>')
    try:
        found = accessibility(b, base, "_a11y_probe.html", modes=("light",))
    finally:
        page.unlink()
    assert {"image-alt", "color-contrast"} <= {v["id"] for v in found["light"] if v["impact"] in SERIOUS}
