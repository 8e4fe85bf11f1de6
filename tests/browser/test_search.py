"""The built book's own search finds the chapters, in both editions (Chinese needs a segmenter)."""

import pytest

from tools.browser import search

pytestmark = pytest.mark.book


@pytest.mark.parametrize(("edition", "query", "page"), [
    ("", "overfitting", "notebooks/00_basics.html"),
    ("", "backtest", "notebooks/08_trade.html"),
    ("zh/", "过拟合", "notebooks/00_basics.html"),
    ("zh/", "回测", "notebooks/08_trade.html"),
    ("zh/", "涨停", "notebooks/08_trade.html"),
])
def test_search_finds_the_chapter(site, edition, query, page):
    b, base = site
    found = search(b, base, edition, query)
    assert any(link.startswith(page) for link in found), \
        f"searching the {'Chinese' if edition else 'English'} book for {query!r} lists {found[:8]}, not {page}"


def test_a_search_for_nothing_lists_nothing(site):
    """The check can fail: a word the book never uses finds no page."""
    b, base = site
    assert search(b, base, "zh/", "量子色动力学") == []
