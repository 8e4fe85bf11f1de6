"""companion.exercises: every exercise has a check or a self-check, untouched answers are 'not
attempted', feedback never raises, hints cycle, solutions match the chapters, progress stays in the
notebook folder, and every text has its Chinese translation."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import nbformat
import pytest

import companion.exercises as ex
from companion.exercises._core import Feedback, catalog, read_po
from tools import exercise_catalog, exercise_data

ROOT = Path(__file__).resolve().parent.parent
LABEL = re.compile(r":::\{exercise\}\s*\n:label:\s*(ex-[\w-]+)")
SELF_CHECKED = {"ex-03-train-vs-test", "ex-04-whole-window", "ex-09-embargo"}


def chapter_labels() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                found.update({label: path for label in LABEL.findall(cell.source)})
    return found


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Every test runs in its own 'notebook folder'; the progress file lands there or nowhere."""
    monkeypatch.chdir(tmp_path)
    ex.set_language("en")
    ex._hints_given.clear()
    yield
    ex.set_language("en")


def test_every_exercise_of_the_chapters_has_a_check_or_a_self_check():
    labels = chapter_labels()
    assert len(labels) == 27
    assert set(labels) == set(ex.EXERCISES)
    self_checked = {label for label, e in ex.EXERCISES.items() if e.judge is None}
    assert self_checked == SELF_CHECKED
    for label in self_checked:
        assert len(ex.EXERCISES[label].points) >= 2 and ex.EXERCISES[label].why_self_check
    for label, exercise in ex.EXERCISES.items():
        assert 2 <= len(exercise.hints) <= 3, label


def test_every_coded_check_has_a_hidden_cell_proving_the_worked_solution_passes():
    for label, path in chapter_labels().items():
        if ex.EXERCISES[label].judge is None:
            continue
        cells = [c for c in nbformat.read(path, as_version=4).cells
                 if c.cell_type == "code" and f'check("{label}"' in c.source]
        assert len(cells) == 1, label
        tags = cells[0].metadata.get("tags", [])
        assert {"solution", "remove-input", "remove-output"} <= set(tags), label  # runs hidden; not in student copies
        assert "record_progress=False" in cells[0].source and ".assert_passed()" in cells[0].source


@pytest.mark.parametrize("untouched", [..., None, "", "   "])
def test_an_untouched_answer_is_not_attempted_and_writes_nothing(untouched, tmp_path):
    for label in ex.EXERCISES:
        feedback = ex.check(label, untouched, env={})
        assert feedback.status == "not attempted" and not feedback.passed, label
        assert "Not attempted yet" in repr(feedback) and "Replace `...`" in repr(feedback)
    assert not (tmp_path / ".exercise_progress.json").exists()


def test_an_unreadable_answer_gives_feedback_not_an_exception():
    for label, exercise in ex.EXERCISES.items():
        if exercise.judge is None:
            continue
        for odd in (object(), "forty-two", [1, 2, 3], 3.5):
            feedback = ex.check(label, odd, env={}, record_progress=False)
            assert isinstance(feedback, Feedback) and not feedback.passed, (label, odd)


def test_a_missing_chapter_variable_says_which_cell_to_run():
    feedback = ex.check("ex-07-small-position", 0.7, env={}, record_progress=False)
    assert not feedback.passed and "payoff" in repr(feedback) and "run the chapter's cells" in repr(feedback)


def test_a_self_check_shows_its_points_once_something_is_written():
    feedback = ex.check("ex-09-embargo", "Purging matters more because ...", env={})
    assert feedback.passed and feedback.status == "self-check"
    assert len(feedback.points) == 3 and "Shuffled folds" in repr(feedback)
    assert not ex.check("ex-09-embargo", 42, env={}).passed         # words, not a number


def test_hints_come_one_after_the_other_then_repeat_the_last():
    shown = [repr(ex.hint("ex-02-best-of-n")) for _ in range(4)]
    assert "Hint 1 of 3" in shown[0] and "Hint 2 of 3" in shown[1] and "Hint 3 of 3" in shown[2]
    assert shown[3] == shown[2]


def test_the_solution_is_the_chapters_worked_solution():
    text = repr(ex.solution("ex-07-weight-for-threshold"))
    assert "down_weight = p_star_real / (1 - p_star_real)" in text
    assert "remove-input" not in text and "assert_passed" not in text    # the hidden check stays hidden
    assert "`pct(cost_550, 2)`" in ex.solution("ex-07-small-position")._repr_markdown_()


def test_the_solutions_file_matches_the_chapters():
    stored = json.loads((ROOT / "companion" / "exercises" / "solutions.json").read_text(encoding="utf-8"))
    assert stored == exercise_data.solutions(), (
        "companion/exercises/solutions.json is stale: run `python -m tools.exercise_data`")
    assert set(stored) == set(ex.EXERCISES)


def test_progress_keeps_passes_in_the_notebook_folder(tmp_path):
    assert ex.check("ex-01-embargo", 14, env={}).passed
    assert ex.check("ex-07-weight-for-threshold", 1.5, env={"payoff": {"real": {"p*": 0.6}}}).passed
    assert not ex.check("ex-01-raw-returns", 0.3, env={}).passed
    assert not ex.check("ex-01-embargo", 15, env={}).passed          # a later wrong try keeps the pass
    state = json.loads((tmp_path / ".exercise_progress.json").read_text(encoding="utf-8"))
    assert state == {"passed": {"ex-01-embargo": True, "ex-01-raw-returns": False,
                                "ex-07-weight-for-threshold": True}}
    assert "Chapter 1: 1 of 3 passed" in repr(ex.progress(1))
    assert "Chapter 7: 1 of 2 passed" in repr(ex.progress(7))
    assert ex.progress().passed == ["ex-01-embargo", "ex-07-weight-for-threshold"]
    assert [p.name for p in tmp_path.iterdir()] == [".exercise_progress.json"]


def test_no_check_reads_the_network_or_writes_outside_the_notebook_folder(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("a check tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    written = []
    real_open = open

    def watched_open(file, mode="r", *args, **kwargs):
        if any(m in mode for m in "wax+"):
            written.append(Path(file).resolve())
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watched_open)
    monkeypatch.setattr(Path, "write_text", lambda self, *a, **k: written.append(self.resolve()) or 0)
    for label in ex.EXERCISES:
        for answer in (..., 14, "words", {"a": 1}):
            ex.check(label, answer, env={})
        ex.hint(label), ex.solution(label)
    ex.progress()
    assert written and all(path.parent == tmp_path.resolve() for path in written), written


def test_the_chinese_catalog_translates_every_text_and_keeps_the_values():
    texts = exercise_catalog.messages()
    zh = catalog("zh_CN")
    assert set(texts) <= set(zh), sorted(set(texts) - set(zh))[:5]
    field = re.compile(r"\{(\w*)(?::[^{}\s]*)?\}", re.ASCII)   # a format field, not a dict shown in words
    for english, chinese in zh.items():
        assert field.findall(english) == field.findall(chinese) or \
            sorted(field.findall(english)) == sorted(field.findall(chinese)), english
    stored = (ROOT / "companion" / "exercises" / "zh_CN.po").read_text(encoding="utf-8")
    assert stored == exercise_catalog.write(read_po(stored)), "run `python -m tools.exercise_catalog`"


def test_po_check_accepts_the_catalog():
    from tools.po_check import catalog_problems
    assert not catalog_problems(ROOT / "companion" / "exercises" / "zh_CN.po")


def test_feedback_hint_solution_and_progress_speak_chinese():
    ex.set_language("zh_CN")
    assert "尚未作答" in repr(ex.check("ex-01-embargo", ..., env={}))
    wrong = ex.check("ex-01-embargo", 15, env={}, record_progress=False)
    assert "还不对" in repr(wrong) and "试试少一天" in repr(wrong) and "还不对" in wrong._repr_html_()
    assert "提示 1/2" in repr(ex.hint("ex-01-embargo"))
    assert "参考答案" in repr(ex.solution("ex-01-embargo")) and "默认值" in repr(ex.solution("ex-01-embargo"))
    assert "第 1 章：已通过 0/3" in repr(ex.progress(1))
    with pytest.raises(ValueError, match="zh_CN"):
        ex.set_language("fr")


def test_student_copies_get_an_answer_cell_after_each_exercise_in_their_language():
    from tools.make_student import student_copy
    from tools.translate_notebook import student_copy_zh
    chapter = ROOT / "notebooks" / "07_asymmetric_loss.ipynb"
    for nb, words in ((student_copy(chapter), "Your answer"),
                      (student_copy_zh(chapter, "notebooks/07_asymmetric_loss"), "你的答案")):
        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        answers = [s for s in sources if s.rstrip().endswith(")") and "answer = ..." in s]
        assert len(answers) == 2 and all(words in s for s in answers)
        assert not any("assert_passed" in s for s in sources)         # the hidden checks are dropped
        imports = [s for s in sources if "from companion.exercises import" in s]
        assert len(imports) == 1
    assert 'set_language("zh_CN")' in imports[0]


def test_a_chapter_that_uses_the_name_check_keeps_it():
    # Chapter 1 calls a table of fees `check` (read by the prose): its copy calls exercises.check,
    # and neither the copy nor the chapter's hidden cells rebind the chapter's name.
    from tools.make_student import bound_names, student_copy
    chapter = ROOT / "notebooks" / "01_market.ipynb"
    assert "check" in bound_names(nbformat.read(chapter, as_version=4))
    copy = student_copy(chapter)
    answers = [c.source for c in copy.cells if c.get("id", "").startswith("answer-")]
    assert len(answers) == 3 and all('exercises.check("ex-01-' in s for s in answers)
    added = nbformat.v4.new_notebook(cells=[c for c in copy.cells if c.get("id", "").startswith(("answer-", "exercise-"))])
    assert not bound_names(added) & {"check", "hint", "solution", "progress"}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        hidden = [c for c in nbformat.read(path, as_version=4).cells if c.get("id", "").startswith("check-ex-")]
        assert not bound_names(nbformat.v4.new_notebook(cells=hidden)) - {"companion"}, path.name


def test_the_kit_and_the_package_ship_the_catalog_and_the_solutions():
    import tomllib

    from tools.student_kit import shipped_files
    shipped = {p.as_posix() for p in shipped_files()}
    assert {"companion/exercises/zh_CN.po", "companion/exercises/solutions.json"} <= shipped
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["companion"]
    assert {"exercises/*.json", "exercises/*.po"} <= set(data)


def test_progress_shows_two_passed_exercises_of_one_chapter(tmp_path):
    """The room's signal: after two exercises of chapter 1 pass, progress(1) shows both."""
    from companion.exercises import ch01_market

    raw, _ = ch01_market._bbmg_returns()
    assert "Chapter 1: 0 of 3 passed" in repr(ex.progress(1))
    assert ex.check("ex-01-embargo", 14, env={}).passed
    assert ex.check("ex-01-raw-returns", float(raw.min()), env={}).passed
    assert "Chapter 1: 2 of 3 passed" in repr(ex.progress(1))
    assert set(ex.progress(1).passed) == {"ex-01-embargo", "ex-01-raw-returns"}
