"""The machinery behind every exercise check: texts in two languages, feedback, the registry.

A check never raises for the learner's answer: a failing cell would stop "Run All" in a student
copy. It returns a `Feedback` whose display says what is wrong (or "not attempted yet") and whose
``.passed`` a test can assert. Every text a learner reads is written with `say`, so that
`tools/exercise_catalog.py` finds it and the Chinese catalog (``zh_CN.po`` beside this file)
translates it; the translation is looked up when the text is shown, in the language of the moment.
"""

from __future__ import annotations

import ast
import html
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

LANGUAGES = ("en", "zh_CN")
_state = {"language": os.environ.get("COMPANION_LANGUAGE", "en")}
_catalogs: dict[str, dict[str, str]] = {}


def set_language(language: str) -> None:
    """Show every later message, hint and self-check point in `language` ("en" or "zh_CN")."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}. "
                         "Use 'zh_CN' for Chinese, 'en' for English.")
    _state["language"] = language


def language() -> str:
    return _state["language"] if _state["language"] in LANGUAGES else "en"


def read_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of a gettext catalog (fuzzy and empty entries left out).

    A small reader, so that the package needs no catalog library: entries are separated by blank
    lines; strings may continue over several quoted lines (C escapes, as in Python literals)."""
    entries: dict[str, str] = {}
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key, fuzzy = None, False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith(("msgid ", "msgstr ")):
                key, rest = line.split(" ", 1)
                fields[key] = ast.literal_eval(rest)
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid") and fields.get("msgstr") and not fuzzy:
            entries[fields["msgid"]] = fields["msgstr"]
    return entries


def catalog(lang: str) -> dict[str, str]:
    """The translations of `lang`, read once from the catalog shipped with the package."""
    if lang not in _catalogs:
        source = resources.files("companion.exercises").joinpath(f"{lang}.po")
        _catalogs[lang] = read_po(source.read_text(encoding="utf-8")) if source.is_file() else {}
    return _catalogs[lang]


def translate(text: str, lang: str | None = None) -> str:
    lang = lang or language()
    return text if lang == "en" else catalog(lang).get(text, text)


@dataclass(frozen=True)
class Text:
    """A text in English (the catalog's msgid) with the values it names, translated when shown."""

    template: str
    values: dict = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        text = translate(self.template, lang)
        return text.format(**self.values) if self.values else text   # a text without values may show braces

    def __str__(self) -> str:
        return self.render()


def say(template: str, **values) -> Text:
    """A learner-facing text: ``say("{n} of {total} days", n=3, total=5)``.

    The template is the English message and the catalog's msgid; values are formatted after the
    translation, so the Chinese sentence places the numbers where Chinese puts them."""
    return Text(template, values)


# ---------------------------------------------------------------------------------------------
# Feedback
# ---------------------------------------------------------------------------------------------
NOT_ATTEMPTED, PASSED, WRONG, SELF_CHECK = "not attempted", "passed", "wrong", "self-check"
_HEADINGS = {NOT_ATTEMPTED: say("Not attempted yet"), PASSED: say("Correct"),
             WRONG: say("Not yet"), SELF_CHECK: say("Compare your answer with these points")}
_COLORS = {NOT_ATTEMPTED: "#6c757d", PASSED: "#1a7f37", WRONG: "#b35900", SELF_CHECK: "#0969da"}


@dataclass
class Feedback:
    """What a check says about one answer. ``passed`` is True for a right answer (and for a
    written answer to a self-check); the display shows the heading, the message and any points."""

    label: str
    status: str
    message: Text | None = None
    points: tuple[Text, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status in (PASSED, SELF_CHECK)

    def lines(self) -> list[str]:
        head = f"{self.label}: {_HEADINGS[self.status]}"
        body = [str(self.message)] if self.message is not None else []
        return [head, *body, *(f"- {point}" for point in self.points)]

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        head, *rest = (html.escape(line) for line in self.lines())
        color = _COLORS[self.status]
        body = "".join(f"<div>{line}</div>" for line in rest)
        return (f'<div class="exercise-feedback" style="border-left:4px solid {color};'
                f'padding:4px 10px;margin:4px 0"><strong style="color:{color}">{head}</strong>'
                f"{body}</div>")

    def assert_passed(self) -> Feedback:
        """Raise AssertionError with the feedback unless the answer passed (for the chapters'
        hidden cells that prove each worked solution passes its own check)."""
        if not self.passed:
            raise AssertionError(repr(self))
        return self


class Wrong(Exception):
    """Raised inside a check function to stop at the first mistake it recognises."""

    def __init__(self, message: Text):
        super().__init__(message.template)
        self.message = message


def wrong(template: str, **values) -> Wrong:
    """``raise wrong("...")`` inside a check: the feedback names the mistake."""
    return Wrong(say(template, **values))


class Missing(Exception):
    """The check needs a variable of the chapter that the notebook has not defined (yet)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: what its answer is, how it is judged, and its hints.

    ``judge(answer, env)`` returns a `Text` for a right answer (what was confirmed) or raises
    `Wrong`; env is the notebook's namespace, read only. A self-check has no judge, only points.
    """

    label: str
    wants: Text                                 # the answer, as the student cell describes it
    hints: tuple[Text, ...]
    judge: Callable | None = None
    points: tuple[Text, ...] = ()               # a self-check's points, or what to say after a pass
    why_self_check: str = ""                    # for the course notes: why code cannot judge it

    @property
    def chapter(self) -> str:
        return self.label.split("-")[1]


def need(env: dict, *names: str):
    """The chapter's variables `names`, read from the notebook (env); `Missing` if one is absent."""
    absent = [n for n in names if n not in env]
    if absent:
        raise Missing(", ".join(absent))
    values = [env[n] for n in names]
    return values[0] if len(values) == 1 else values


def is_untouched(answer) -> bool:
    """True for the placeholder of a student cell (``...`` or None) and for empty text."""
    return answer is None or answer is Ellipsis or (isinstance(answer, str) and not answer.strip())


def notebook_dir() -> Path:
    """The folder the progress file lives in: the kernel's working directory, which JupyterLab
    sets to the notebook's folder."""
    return Path.cwd()
