"""Exercises that check themselves: ``check``, ``hint``, ``solution``, ``progress``.

In a student copy each exercise ends with a cell such as::

    answer = ...          # the mean best accuracy: a table, models as rows, days as columns
    check("ex-02-best-of-n", answer)

``check`` judges what matters, not the form: numbers within a stated tolerance, arrays by shape and
value, recomputed from the chapter's own variables (read from the notebook, never changed). It
names the mistakes it recognises, answers "not attempted yet" for an untouched answer, and never
raises, so a student copy still runs top to bottom. ``hint(label)`` gives the next hint each call,
``solution(label)`` the worked solution of the book. An exercise that asks for a judgement in words
has a self-check: once you have written something, ``check`` shows the points a good answer makes.

``progress()`` lists what you have passed. It is kept in ``.exercise_progress.json`` in the
notebook's folder; nothing leaves your machine. ``set_language("zh_CN")`` shows everything in Chinese
(the Chinese student copies call it).
"""

from __future__ import annotations

import sys

from companion.exercises import (
    ch00_basics,
    ch01_market,
    ch02_baseline,
    ch03_attention,
    ch04_two_level,
    ch05_augmentation,
    ch06_bayesian_head,
    ch07_asymmetric_loss,
    ch08_trade,
    ch09_validation,
)
from companion.exercises._core import (
    NOT_ATTEMPTED,
    PASSED,
    SELF_CHECK,
    WRONG,
    Exercise,
    Feedback,
    Missing,
    Wrong,
    is_untouched,
    language,
    say,
    set_language,
)
from companion.exercises._show import Hint, Progress, Solution, record, solution_text

__all__ = ["check", "hint", "solution", "progress", "set_language", "EXERCISES", "Feedback"]

EXERCISES: dict[str, Exercise] = {
    exercise.label: exercise
    for module in (ch00_basics, ch01_market, ch02_baseline, ch03_attention, ch04_two_level,
                   ch05_augmentation, ch06_bayesian_head, ch07_asymmetric_loss, ch08_trade,
                   ch09_validation)
    for exercise in module.EXERCISES
}
_hints_given: dict[str, int] = {}


def _exercise(label: str) -> Exercise:
    if label not in EXERCISES:
        close = [known for known in EXERCISES if known.split("-")[:2] == str(label).split("-")[:2]]
        raise KeyError(f"label must be an exercise of the course, got {label!r}. "
                       f"Copy it from the exercise box{': ' + ', '.join(close) if close else ''}.")
    return EXERCISES[label]


def check(label: str, answer=..., env: dict | None = None, *, record_progress: bool = True) -> Feedback:
    """Judge `answer` to exercise `label`; returns a Feedback (``.passed``), never raises for it.

    env: the notebook's variables the check recomputes from (default: the caller's globals, i.e.
    the notebook's namespace; read only). record_progress: keep a pass in the progress file (the
    chapters' own hidden cells pass False, so building the book writes nothing)."""
    exercise = _exercise(label)
    env = sys._getframe(1).f_globals if env is None else env
    feedback = judge(exercise, answer, env)
    if record_progress and feedback.status != NOT_ATTEMPTED:
        record(label, feedback.passed)
    return feedback


def judge(exercise: Exercise, answer, env: dict) -> Feedback:
    """The feedback of one answer (no progress recorded)."""
    label = exercise.label
    if is_untouched(answer):
        return Feedback(label, NOT_ATTEMPTED, say("Replace `...` with your answer: {wants}.",
                                                  wants=exercise.wants))
    if exercise.judge is None:
        if not isinstance(answer, str):
            return Feedback(label, WRONG, say("This exercise asks for your answer in words: give it "
                                              "as a string, e.g. answer = \"...\"."))
        return Feedback(label, SELF_CHECK, say("A good answer makes these points:"), exercise.points)
    try:
        confirmed = exercise.judge(answer, env)
    except Wrong as mistake:
        return Feedback(label, WRONG, mistake.message)
    except Missing as missing:
        return Feedback(label, WRONG, say("The check needs the chapter's variable(s) {names}: run the "
                                          "chapter's cells above this exercise first.", names=str(missing)))
    except Exception as error:   # the answer has a form the check cannot read: say so, don't raise
        return Feedback(label, WRONG, say("The check could not read your answer ({error}). It wants "
                                          "{wants}.", error=f"{type(error).__name__}: {error}",
                                          wants=exercise.wants))
    return Feedback(label, PASSED, confirmed, exercise.points)


def hint(label: str) -> Hint:
    """The next hint of exercise `label` (the last one again once all are given)."""
    exercise = _exercise(label)
    given = min(_hints_given.get(label, 0), len(exercise.hints) - 1)
    _hints_given[label] = given + 1
    return Hint(label, given + 1, len(exercise.hints), exercise.hints[given])


def solution(label: str) -> Solution:
    """The worked solution of exercise `label`, as the book shows it."""
    _exercise(label)
    return Solution(label, solution_text(label, language()))


def progress(chapter: int | str | None = None) -> Progress:
    """Which exercises you have passed: of one chapter (``progress(2)``) or of all."""
    labels = [label for label in EXERCISES
              if chapter is None or EXERCISES[label].chapter == f"{int(chapter):02d}"]
    return Progress(labels)

