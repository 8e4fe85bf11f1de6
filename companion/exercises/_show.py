"""What `hint`, `solution` and `progress` display, and the progress file.

Progress is one small JSON file, ``.exercise_progress.json``, in the notebook's folder: the labels
passed, nothing else. Nothing is sent anywhere.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from importlib import resources

from companion.exercises._core import Text, notebook_dir, say

PROGRESS_FILE = ".exercise_progress.json"
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")


def _progress_path():
    return notebook_dir() / PROGRESS_FILE


def load_progress() -> dict[str, bool]:
    """label -> passed, from the notebook folder's progress file ({} if there is none or it is
    unreadable: a broken file must not stop a chapter)."""
    try:
        data = json.loads(_progress_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): bool(v) for k, v in data.get("passed", {}).items()} if isinstance(data, dict) else {}


def record(label: str, passed: bool) -> None:
    """Keep the latest verdict on `label`; a pass stays a pass (a later wrong try does not erase
    it). Writing may fail (a read-only folder): the check's feedback matters more than the file."""
    if os.environ.get("COMPANION_EXERCISE_PROGRESS", "1") == "0":
        return
    state = load_progress()
    state[label] = state.get(label, False) or passed
    try:
        _progress_path().write_text(json.dumps({"passed": state}, indent=1, sort_keys=True),
                                    encoding="utf-8")
    except OSError:
        pass


def solution_text(label: str, lang: str) -> str:
    """The worked solution (Markdown with fenced code) from the data file generated from the
    chapters (tools/exercise_data.py); the Chinese text where the catalog translates it."""
    data = json.loads(resources.files("companion.exercises").joinpath("solutions.json")
                      .read_text(encoding="utf-8"))
    entry = data[label]
    return entry.get(lang) or entry["en"]


@dataclass
class Hint:
    label: str
    number: int
    total: int
    text: Text

    def __repr__(self) -> str:
        return f"{self.label}: {say('Hint {n} of {total}', n=self.number, total=self.total)}\n{self.text}"

    def _repr_html_(self) -> str:
        head, body = repr(self).split("\n", 1)
        return (f'<div style="border-left:4px solid #8250df;padding:4px 10px">'
                f'<strong style="color:#8250df">{html.escape(head)}</strong>'
                f"<div>{html.escape(body)}</div></div>")


@dataclass
class Solution:
    label: str
    markdown: str

    def __repr__(self) -> str:
        return f"{self.label}: {say('Worked solution')}\n\n{self.markdown}"

    def _repr_markdown_(self) -> str:
        # The prose's {eval} roles need names only the solution's code defines: show the expression.
        text = EVAL_ROLE.sub(lambda m: f"`{m.group(1)}`", self.markdown)
        return f"**{self.label}: {say('Worked solution')}**\n\n{text}"


@dataclass
class Progress:
    labels: list[str]

    def table(self) -> dict[str, list[tuple[str, bool]]]:
        """chapter ("02") -> [(label, passed)] in the order of the chapters."""
        state, chapters = load_progress(), {}
        for label in self.labels:
            chapters.setdefault(label.split("-")[1], []).append((label, state.get(label, False)))
        return chapters

    @property
    def passed(self) -> list[str]:
        return [label for rows in self.table().values() for label, ok in rows if ok]

    def lines(self) -> list[str]:
        out = []
        for chapter, rows in self.table().items():
            done = sum(ok for _, ok in rows)
            out.append(str(say("Chapter {chapter}: {done} of {total} passed", chapter=int(chapter),
                               done=done, total=len(rows))))
            out += [f"  {'✓' if ok else '·'} {label}" for label, ok in rows]
        return out

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(repr(self)) + "</pre>"
