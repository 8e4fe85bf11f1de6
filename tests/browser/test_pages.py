"""Every page of the book loads in headless Chromium with the network blocked.

Run by `make test` after the book build (`make browser`). Each page must load with no console
error, no request leaving the machine, no broken image, its math typeset by the book's own
MathJax, and its widgets rendered from their saved state.
"""

import re

import pytest

from tests.nbval_guard import ROOT, toc_notebooks
from tools.browser import HTML, browser, serve, visit

pytestmark = pytest.mark.book


def toc_pages() -> list[str]:
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = re.findall(r"(?:file|root): ([\w/.-]+)", yaml.safe_dump(toc))
    return [f + ".html" for f in found]


@pytest.fixture(scope="module")
def site():
    with serve(HTML) as base, browser() as b:
        yield b, base


@pytest.mark.parametrize("path", toc_pages())
def test_page(site, path):
    b, base = site
    shot = ROOT / "_build" / "screenshots" / (path.replace("/", "_") + ".png")
    report = visit(b, base, path, screenshot=shot)
    assert not report.blocked, f"{path} tried to reach the network: {report.blocked}"
    assert not report.console_errors, f"{path} logged console errors: {report.console_errors}"
    assert not report.failed, f"{path} requested missing files: {report.failed}"
    assert not report.broken_images, f"{path} has images that did not load: {report.broken_images}"
    if report.math_in_source:
        assert report.math_typeset > 0, f"{path} has {report.math_in_source} equations but none was typeset"
    if report.widgets_in_source:
        assert report.widgets_rendered > 0, f"{path} has saved widgets but none rendered"


def test_notebooks_are_pages():
    assert {n.replace(".ipynb", ".html") for n in toc_notebooks()} <= set(toc_pages())


def test_a_broken_image_is_caught(site, tmp_path):
    """The check above can fail: a page with a missing image is reported."""
    b, base = site
    probe = HTML / "_probe_broken_image.html"
    probe.write_text('<html><body><img src="_images/does-not-exist.png"></body></html>')
    try:
        report = visit(b, base, probe.name)
    finally:
        probe.unlink()
    assert report.broken_images and report.failed
