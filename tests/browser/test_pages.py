"""Every page of the book loads in headless Chromium with the network blocked.

Run by `make test` after the book build (`make browser`). Each page must load with no console
error, no request leaving the machine, no broken image, its math typeset by the book's own
MathJax, and its widgets rendered from their saved state.
"""


import sys

import pytest

from tests.nbval_guard import ROOT, toc_notebooks
from tools.browser import HTML, documented_entries, visit
from tools.student_kit import toc_files

pytestmark = pytest.mark.book


def toc_pages() -> list[str]:
    import yaml

    return [f + ".html" for f in toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))]


@pytest.mark.parametrize("path", toc_pages() + ["zh/" + p for p in toc_pages()])
def test_page(site, path):
    """Both editions: English at the root, Chinese (中文版) under zh/."""
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
    if path.startswith("zh/"):
        assert report.cjk_characters >= 20, f"{path} shows {report.cjk_characters} Chinese characters"
        assert report.cjk_glyphs, f"{path}: Chinese characters draw as boxes (no CJK font: apt-get install fonts-noto-cjk)"
    other = b.new_context()
    try:
        assert report.edition_link and other.request.get(report.edition_link).ok, \
            f"{path} links the other edition at {report.edition_link!r}, which does not load"
    finally:
        other.close()


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


# -- the student download ----------------------------------------------------------------------------

KIT_NAME = "lstm-cafe-student.zip"


def solution_cells_in_zip(data: bytes) -> dict[str, list[str]]:
    """{notebook name: [start of each cell tagged `solution`]} for the notebooks in a zip."""
    import io
    import json
    import zipfile

    found = {}
    with zipfile.ZipFile(io.BytesIO(data)) as kit:
        for name in kit.namelist():
            if name.endswith(".ipynb"):
                cells = json.loads(kit.read(name))["cells"]
                found[name.rsplit("/", 1)[-1]] = ["".join(c["source"])[:60] for c in cells
                                                  if "solution" in c.get("metadata", {}).get("tags", [])]
    return found


def chinese_prose_share(data: bytes) -> dict[str, float]:
    """{notebook name: share of Chinese characters in its markdown cells} for a zip's notebooks."""
    import io
    import json
    import re
    import zipfile

    shares = {}
    with zipfile.ZipFile(io.BytesIO(data)) as kit:
        for name in kit.namelist():
            if name.endswith(".ipynb"):
                text = "".join("".join(c["source"]) for c in json.loads(kit.read(name))["cells"]
                               if c["cell_type"] == "markdown")
                letters = re.findall(r"[A-Za-z\u4e00-\u9fff]", text)
                shares[name.rsplit("/", 1)[-1]] = len(re.findall(r"[\u4e00-\u9fff]", text)) / max(1, len(letters))
    return shares


def fetch_download(b, base: str, page_path: str) -> bytes:
    """Open `page_path` in the browser, follow its link to the student download, return the zip."""
    context = b.new_context()
    page = context.new_page()
    try:
        page.goto(base + page_path, wait_until="load")
        link = page.locator(f'a[href$="{KIT_NAME}"]')
        assert link.count() >= 1, f"{page_path} has no link to {KIT_NAME}"
        url = page.evaluate("(a) => a.href", link.first.element_handle())
        response = context.request.get(url)
        assert response.ok, f"{page_path} links {url}, which answered {response.status}"
        return response.body()
    finally:
        context.close()


@pytest.mark.parametrize("path", ["book/setup.html", "book/instructors/index.html",
                                  "zh/book/setup.html", "zh/book/instructors/index.html"])
def test_student_download_holds_every_chapter_without_solutions(site, path):
    """The Chinese pages offer the Chinese student copies (make student-zh)."""
    b, base = site
    data = fetch_download(b, base, path)
    notebooks = solution_cells_in_zip(data)
    chinese = chinese_prose_share(data)
    if path.startswith("zh/"):
        assert min(chinese.values()) > 0.3, f"the download from {path} is not in Chinese: {chinese}"
    else:
        assert max(chinese.values()) < 0.05, f"the download from {path} is not the English one: {chinese}"
    chapters = [n.rsplit("/", 1)[-1] for n in toc_notebooks() if n.startswith("notebooks/")]
    missing = [c for c in chapters if c not in notebooks]
    assert not missing, f"the download from {path} lacks the chapters {missing}"
    with_solutions = {name: cells for name, cells in notebooks.items() if cells}
    assert not with_solutions, f"the download from {path} holds solution cells: {with_solutions}"


def test_the_solution_check_finds_a_solution_cell():
    """The check above can fail: a zip holding a chapter with its solutions is reported."""
    import io
    import zipfile

    chapter = next(n for n in toc_notebooks() if n.startswith("notebooks/"))  # the full chapter
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as kit:
        kit.write(ROOT / chapter, "kit/notebooks/x.ipynb")
    assert solution_cells_in_zip(buffer.getvalue())["x.ipynb"]


@pytest.mark.parametrize("edition", ["", "zh/"])
def test_api_page_lists_every_public_name(site, edition):
    """book/api.html documents every public name of companion (book/_ext/api_names.py), each
    object under its home path and naming the other paths it is importable as."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from api_names import public_entries

    b, base = site
    shown = documented_entries(b, base, edition + "book/api.html")
    missing = [e.path for e in public_entries() if e.path not in shown]
    assert not missing, f"{edition}book/api.html has no entry for {missing}"
    unnamed = [f"{alias} (in {e.path})" for e in public_entries() for alias in e.aliases if alias not in shown[e.path]]
    assert not unnamed, f"{edition}book/api.html does not name these paths: {unnamed}"
