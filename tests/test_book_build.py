"""Checks of the rendered book in _build/html (run by `make test` after the build)."""

import re

import pytest

from tests.nbval_guard import ROOT, toc_notebooks

pytestmark = pytest.mark.book

HTML = ROOT / "_build" / "html"
PAGES = sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts) if HTML.exists() else []
# Attributes that make a browser fetch something as the page loads (links a reader clicks are fine).
FETCHING = re.compile(r"""<(script|img|link|iframe|source|video|audio)\b[^>]*?\b(src|href)=["']([^"']+)["']""", re.I)


def test_the_book_was_built():
    assert (HTML / "index.html").exists(), "run `make book` first"
    for notebook in toc_notebooks():
        page = HTML / notebook.replace(".ipynb", ".html")
        assert page.exists(), f"{notebook} is in _toc.yml but {page} was not built"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_page_loads_nothing_from_the_network(page):
    for tag, _, url in FETCHING.findall(page.read_text(errors="replace")):
        if tag.lower() == "link" and not url.endswith((".css", ".js", ".woff2", ".woff", ".ico", ".svg", ".png")):
            continue  # <link rel="canonical">, rel="next" and the like are not fetched
        assert not re.match(r"^(https?:)?//", url), f"{page.name} fetches {url} from the network"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_local_assets_exist(page):
    for _tag, _, url in FETCHING.findall(page.read_text(errors="replace")):
        if re.match(r"^(https?:|data:|//|#|mailto:)", url):
            continue
        target = (page.parent / url.split("?")[0].split("#")[0]).resolve()
        assert target.exists(), f"{page.relative_to(HTML)} refers to {url}, which is not in the build"


def test_executed_chapters_have_outputs():
    """The book shows executed chapters: every chapter page holds at least one output."""
    for notebook in toc_notebooks():
        if notebook.startswith("notebooks/"):
            text = (HTML / notebook.replace(".ipynb", ".html")).read_text()
            assert "cell_output" in text, f"{notebook} was rendered without outputs"
