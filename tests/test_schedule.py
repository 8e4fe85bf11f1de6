"""Tests of the workshop schedule's logic (book/instructors/schedule.ipynb).

The logic lives in the page, where instructors read it; its cells tagged ``schedule-logic`` are run
here on made-up chapters, so that each rule (breaks at the nearest boundary, a day that runs late
does not fit, the two-day split) is checked on cases with a known answer.
"""

from pathlib import Path

import nbformat
import pandas as pd
import pytest

PAGE = Path(__file__).resolve().parent.parent / "book" / "instructors" / "schedule.ipynb"


@pytest.fixture(scope="module")
def logic() -> dict:
    nb = nbformat.read(PAGE, as_version=4)
    cells = [c.source for c in nb.cells if "schedule-logic" in c.metadata.get("tags", [])]
    assert len(cells) >= 3, "schedule.ipynb lost its cells tagged schedule-logic"
    namespace: dict = {}
    for source in cells:
        exec(compile(source, str(PAGE), "exec"), namespace)  # noqa: S102 (our own page)
    return namespace


def chapters(*totals, teaching_share=0.5) -> pd.DataFrame:
    rows = [{"number": n, "chapter": f"{n}. Chapter {n} (章)", "teaching": round(t * teaching_share),
             "exercises": t - round(t * teaching_share)} for n, t in enumerate(totals)]
    frame = pd.DataFrame(rows)
    frame["total"] = frame["teaching"] + frame["exercises"]
    return frame


def test_a_break_goes_to_the_boundary_nearest_its_time(logic):
    blocks = [("a", 40), ("b", 40), ("c", 40)]  # boundaries at 09:40 and 10:20
    table = logic["timetable"](blocks, start="09:00", breaks=[("10:30", 15, "Coffee")], wrap_up=0)
    assert list(table["what"]) == ["a", "b", "Coffee", "c", "Wrap-up and questions"]
    coffee = table.set_index("what").loc["Coffee"]
    assert (coffee["start"], coffee["shift"]) == ("10:20", -10)
    assert f"{table.attrs['end']:%H:%M}" == "11:15"


def test_a_day_that_runs_late_does_not_fit(logic):
    table = logic["timetable"]([("long", 400)], start="09:00", breaks=[], wrap_up=15)
    found = logic["problems"](table, end="15:00")
    assert found == ["it ends at 15:55, 55 min after 15:00"]
    assert logic["free_minutes"](table, end="15:00") == -55


def test_a_break_pushed_far_from_its_time_does_not_fit(logic):
    table = logic["timetable"]([("a", 150), ("b", 10)], start="09:00",
                               breaks=[("10:30", 15, "Coffee break")], wrap_up=0)
    assert logic["problems"](table, end="17:00", max_shift=30) == [
        "the coffee break at 11:30 is +60 min from its plan"]


def test_chapters_become_teaching_then_exercise_blocks(logic):
    blocks = logic["blocks_of"](chapters(60, 30, teaching_share=2 / 3))
    assert blocks == [("0. Chapter 0 · teaching", 40), ("0. Chapter 0 · exercises", 20),
                      ("1. Chapter 1 · teaching", 20), ("1. Chapter 1 · exercises", 10)]


def test_two_day_split_balances_the_days(logic):
    # 6 chapters of 60 min: 3 + 3 is the most even split, though day 1 could hold more.
    assert logic["two_day_split"](chapters(60, 60, 60, 60, 60, 60)) == 3
    five = logic["timetable"](logic["blocks_of"](chapters(60, 60, 60, 60, 60)))
    assert logic["problems"](five) == [], "the premise 'day 1 could hold more' no longer holds"


def test_two_day_split_refuses_a_course_that_does_not_fit(logic):
    with pytest.raises(AssertionError, match="No split of the chapters into two days fits"):
        logic["two_day_split"](chapters(*[100] * 10))


def test_a_chapter_without_its_minutes_line_is_named(logic, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 3. A chapter\n\n**Teaching:** 30 min")]
    path = tmp_path / "03_chapter.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="03_chapter.ipynb has no"):
        logic["chapter_minutes"](path)
    nb.cells[0].source += " · **Exercises:** 15 min"
    nbformat.write(nb, path)
    assert logic["chapter_minutes"](path) == {"number": 3, "chapter": "3. A chapter",
                                              "teaching": 30, "exercises": 15}
