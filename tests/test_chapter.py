"""companion.chapter: the set-up a chapter hides (the prose helpers and the chapter's clock)."""

import pytest

from companion import chapter, prose


def test_the_chapter_brings_the_prose_helpers():
    assert all(getattr(chapter, name) is getattr(prose, name)
               for name in ("choose", "interval", "pct", "show", "verdict"))


def test_the_clock_counts_from_its_start(monkeypatch):
    now = iter([100.0, 103.5])
    monkeypatch.setattr(chapter.time, "perf_counter", lambda: next(now))
    chapter.start_clock()
    assert chapter.chapter_seconds() == 3.5


def test_an_unstarted_clock_says_how_to_start_it(monkeypatch):
    monkeypatch.setattr(chapter, "_started", [])
    with pytest.raises(RuntimeError, match="must be started, got no start_clock.. call. Run the chapter"):
        chapter.chapter_seconds()
