"""Every figure a chapter draws reaches the rendered book, numbered and captioned.

A chapter page must show at least as many images as its executed notebook produced, and at least
two; at least two of them are numbered figures with a caption, and every image has alt text. A
build whose kernel never showed a figure (e.g. a non-inline matplotlib backend leaking into the
book build) fails here instead of shipping a book without pictures.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.nbval_guard import ROOT, toc_notebooks

pytestmark = pytest.mark.book

BUILD = ROOT / "_build"
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")
MIN_FIGURES = 2
CHAPTERS = [n for n in toc_notebooks() if n.startswith("notebooks/")]


def figures_produced(executed: Path) -> int:
    """How many image outputs the executed notebook holds."""
    nb = json.loads(executed.read_text())
    return sum(
        1
        for cell in nb["cells"] if cell["cell_type"] == "code"
        for out in cell.get("outputs", [])
        if any(t in out.get("data", {}) for t in IMAGE_TYPES)
    )


class _Images(HTMLParser):
    """Collects the images of a page's article and the numbered figure captions."""

    def __init__(self):
        super().__init__()
        self.images: list[dict] = []
        self.captions: list[str] = []
        self._in_caption = 0
        self._caption = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        if tag == "figcaption":
            self._in_caption, self._caption = 1, ""

    def handle_endtag(self, tag):
        if tag == "figcaption" and self._in_caption:
            self._in_caption = 0
            self.captions.append(" ".join(self._caption.split()))

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data


def page_images(page: Path) -> _Images:
    html = page.read_text(errors="replace")
    article = html[html.find('<article'):html.rfind('</article>')]  # not the logo in the sidebar
    parser = _Images()
    parser.feed(article)
    return parser


def check_chapter(html_dir: Path, executed_dir: Path, notebook: str) -> list[str]:
    """The problems of one chapter page; empty when its figures all reached the reader."""
    page = html_dir / notebook.replace(".ipynb", ".html")
    executed = executed_dir / notebook
    if not page.exists() or not executed.exists():
        return [f"{notebook}: not built ({page} or {executed} is missing): run `make book`"]
    produced = figures_produced(executed)
    found = page_images(page)
    shown = [img for img in found.images if (page.parent / img.get("src", "")).is_file()]
    numbered = [c for c in found.captions if re.match(r"Fig(ure|\.)\s*\d+", c)]
    problems = []
    if produced < MIN_FIGURES:
        problems.append(f"{notebook}: the executed notebook holds {produced} figures (at least {MIN_FIGURES} expected)")
    if len(shown) < max(produced, MIN_FIGURES):
        problems.append(f"{notebook}: the page shows {len(shown)} images for {produced} figures produced")
    if len(numbered) < MIN_FIGURES:
        problems.append(f"{notebook}: {len(numbered)} numbered, captioned figures (at least {MIN_FIGURES}): {numbered}")
    no_alt = [img.get("src") for img in shown if not img.get("alt", "").strip()]
    if no_alt:
        problems.append(f"{notebook}: images without alt text: {no_alt}")
    return problems


def test_there_are_chapters_to_check():
    assert len(CHAPTERS) >= 9, f"only {len(CHAPTERS)} chapters found in _toc.yml"


@pytest.mark.parametrize("notebook", CHAPTERS)
def test_every_figure_reaches_the_page(notebook):
    problems = check_chapter(BUILD / "html", BUILD / "jupyter_execute", notebook)
    assert not problems, "\n".join(problems)


def test_the_check_fails_on_a_page_without_figures(tmp_path):
    """A chapter whose figures were drawn but never shown is caught, as is one with none at all."""
    nb = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [
        {"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {}}] * 3}]}
    (tmp_path / "exec" / "notebooks").mkdir(parents=True)
    (tmp_path / "html" / "notebooks").mkdir(parents=True)
    (tmp_path / "exec" / "notebooks" / "x.ipynb").write_text(json.dumps(nb))
    (tmp_path / "html" / "notebooks" / "x.html").write_text("<article><p>no figure</p></article>")
    problems = check_chapter(tmp_path / "html", tmp_path / "exec", "notebooks/x.ipynb")
    assert any("shows 0 images for 3 figures" in p for p in problems)
    nb["cells"][0]["outputs"] = []
    (tmp_path / "exec" / "notebooks" / "x.ipynb").write_text(json.dumps(nb))
    assert any("holds 0 figures" in p for p in check_chapter(tmp_path / "html", tmp_path / "exec", "notebooks/x.ipynb"))
