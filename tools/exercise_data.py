"""The exercises' data file, generated from the chapters: every worked solution, in both languages.

    python -m tools.exercise_data            # rewrite companion/exercises/solutions.json

The student copies ship without solution cells, so `companion.exercises.solution(label)` reads the
worked solution from this file. It is generated, never edited by hand; tests/test_exercises.py fails
when it no longer matches the chapters (rerun this command after changing a solution).
Each solution is its cells between ``{solution-start}`` and ``{solution-end}``: Markdown as it is,
code in fenced blocks; the hidden check cells (tags remove-input, remove-output) are left out. The Chinese text takes
the Markdown from the chapter's catalog (tools/translate_notebook.py), the code unchanged.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "companion" / "exercises" / "solutions.json"
START = re.compile(r"\{solution-start\}\s+(ex-[\w-]+)")
END = "{solution-end}"


def is_hidden(cell) -> bool:
    return "remove-input" in cell.get("metadata", {}).get("tags", [])


def solutions_of(nb) -> dict[str, list]:
    """label -> the solution's cells (start and end markers and hidden cells left out)."""
    found, current = {}, None
    for cell in nb.cells:
        start = START.search(cell.source) if cell.cell_type == "markdown" else None
        if start:
            current = found.setdefault(start.group(1), [])
        elif cell.cell_type == "markdown" and END in cell.source:
            current = None
        elif current is not None and not is_hidden(cell):
            current.append(cell)
    return found


def as_markdown(cells, catalog: dict[str, str] | None = None) -> str:
    from tools.translate_notebook import translate_text
    parts = []
    for cell in cells:
        if cell.cell_type == "code":
            parts.append(f"```python\n{cell.source.strip()}\n```")
        else:
            text = translate_text(cell.source, catalog)[0] if catalog else cell.source
            parts.append(text.strip())
    return "\n\n".join(parts) + "\n"


def solutions(chapters: Path = ROOT / "notebooks") -> dict[str, dict[str, str]]:
    """label -> {"en": markdown, "zh_CN": markdown} for every chapter's worked solutions."""
    from tools.translate_notebook import load_catalog
    out = {}
    for path in sorted(chapters.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        try:
            catalog = load_catalog(f"notebooks/{path.stem}")
        except SystemExit:   # no catalog yet: the Chinese text falls back to the English
            catalog = None
        for label, cells in solutions_of(nb).items():
            out[label] = {"en": as_markdown(cells)}
            if catalog:
                out[label]["zh_CN"] = as_markdown(cells, catalog)
    return out


def render(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main() -> None:
    DATA.write_text(render(solutions()), encoding="utf-8")
    print(f"Wrote {DATA.relative_to(ROOT)}: {len(json.loads(DATA.read_text(encoding='utf-8')))} solutions.")


if __name__ == "__main__":
    main(*sys.argv[1:])
