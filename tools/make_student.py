"""Write student copies of the chapters: every cell tagged `solution` removed, outputs cleared.

    python -m tools.make_student notebooks student

The copies are generated, never edited by hand: `make student` rebuilds them from the chapters, and
`make book` puts them into the book's download (tools/student_kit.py).
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import nbformat

SOLUTION_TAG = "solution"
NOTICE = (
    "*Student copy, generated from `{source}`: the worked solutions are removed. "
    "Try each exercise yourself, then compare with the solutions in the rendered book.*"
)


def is_solution(cell) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def student_copy(source: Path, label: str | None = None) -> nbformat.NotebookNode:
    """The notebook at `source` without its solution cells and without outputs.

    `label` is the path the notice names (default: `source` as given).
    """
    return without_solutions(nbformat.read(source, as_version=4), NOTICE.format(source=label or source.as_posix()))


def without_solutions(nb: nbformat.NotebookNode, notice: str, language: str = "en") -> nbformat.NotebookNode:
    """`nb` without solution cells and outputs, with `notice` as its second cell and a cell that
    checks the answer after each exercise (in `language`: "en" or "zh_CN")."""
    nb.cells = [cell for cell in nb.cells if not is_solution(cell)]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(notice))
    return with_exercise_checks(nb, language)


EXERCISE_LABEL = re.compile(r":::\{exercise\}\s*\n:label:\s*(ex-[\w-]+)")
NAMES = {"check", "hint", "solution", "progress"}
IMPORT = {
    "en": "# The exercises check themselves: check(label, answer), hint(label), solution(label),\n"
          "# progress() (what you have passed, kept in .exercise_progress.json beside this notebook).\n"
          "from companion.exercises import check, hint, progress, solution",
    "zh_CN": "# 练习可以自动检查：check(标签, 答案)、hint(标签)、solution(标签)、\n"
             "# progress()（已通过的练习，记录在本笔记本旁的 .exercise_progress.json 中）。\n"
             "from companion.exercises import check, hint, progress, set_language, solution\n\n"
             "set_language(\"zh_CN\")",
}
ANSWER_CELL = {
    "en": "# Your answer: {wants}.\n# Replace ... below. hint(\"{label}\") gives a hint (call again for the "
          "next);\n# solution(\"{label}\") shows the worked solution.\n",
    "zh_CN": "# 你的答案：{wants}。\n# 把下面的 ... 换成你的答案。hint(\"{label}\") 给出提示（再调用一次给下一条）；\n"
             "# solution(\"{label}\") 显示参考答案。\n",
}


QUALIFIED_IMPORT = {
    "en": "# The exercises check themselves: exercises.check(label, answer), exercises.hint(label),\n"
          "# exercises.solution(label), exercises.progress() (this chapter uses the name check itself).\n"
          "from companion import exercises",
    "zh_CN": "# 练习可以自动检查：exercises.check(标签, 答案)、exercises.hint(标签)、\n"
             "# exercises.solution(标签)、exercises.progress()（本章自己用了 check 这个名字）。\n"
             "from companion import exercises\n\n"
             "exercises.set_language(\"zh_CN\")",
}


def assigned_names(tree: ast.AST) -> set[str]:
    """The names one piece of code assigns, defines or imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def bound_names(nb: nbformat.NotebookNode) -> set[str]:
    """The names the notebook's code assigns, defines or imports."""
    names = set()
    for cell in nb.cells:
        try:
            tree = ast.parse(cell.source) if cell.cell_type == "code" else None
        except SyntaxError:   # an IPython magic
            continue
        if tree is not None:
            names |= assigned_names(tree)
    return names


def answer_cell(label: str, language: str = "en", prefix: str = "") -> str:
    """The code a student copy gets after exercise `label`: what the check wants, then the check.
    prefix: "exercises." where the chapter uses one of the names check, hint, solution, progress."""
    from companion.exercises import EXERCISES
    wants = EXERCISES[label].wants.render(language)
    head = ANSWER_CELL[language].format(wants=wants, label=label).replace("hint(", prefix + "hint(")
    head = head.replace("solution(", prefix + "solution(").splitlines()
    wrapped = [wrapped for line in head
               for wrapped in textwrap.wrap(line, 100, subsequent_indent="# ", break_on_hyphens=False)]
    return "\n".join(wrapped) + f"\nanswer = ...\n\n{prefix}check(\"{label}\", answer)"


def with_exercise_checks(nb: nbformat.NotebookNode, language: str = "en") -> nbformat.NotebookNode:
    """After each exercise box a cell with `answer = ...` and its check; before the first one, the
    import (and, for a Chinese copy, the language of the feedback). A chapter that uses one of the
    names itself (chapter 1 calls a table of fees `check`) keeps it: its copy calls exercises.check."""
    qualified = bool(bound_names(nb) & NAMES)
    prefix, imports = ("exercises.", QUALIFIED_IMPORT) if qualified else ("", IMPORT)
    cells, imported = [], False
    for cell in nb.cells:
        match = EXERCISE_LABEL.search(cell.source) if cell.cell_type == "markdown" else None
        if match and not imported:
            cells.append(_code_cell(imports[language], "exercise-checks-import"))
            imported = True
        cells.append(cell)
        if match:
            cells.append(_code_cell(answer_cell(match.group(1), language, prefix), f"answer-{match.group(1)}"))
    nb.cells = cells
    return nb


def _code_cell(source: str, cell_id: str):
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    return cell


def write_copies(src: str, dst: str, copy: Callable[[Path], nbformat.NotebookNode], kind: str) -> list[Path]:
    """`copy` of every notebook in `src`, written under the same name into `dst`."""
    src_dir, dst_dir = Path(src), Path(dst)
    notebooks = sorted(src_dir.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"No notebooks in {src_dir}/: run this from the course repository's root.")
    dst_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for source in notebooks:
        target = dst_dir / source.name
        nbformat.write(copy(source), target)
        written.append(target)
    print(f"Wrote {len(written)} {kind} to {dst_dir}/ (solution cells removed).")
    return written


def main(src: str = "notebooks", dst: str = "student") -> list[Path]:
    return write_copies(src, dst, student_copy, "student notebooks")


if __name__ == "__main__":
    main(*sys.argv[1:3])
