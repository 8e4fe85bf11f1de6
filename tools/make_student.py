"""Write student copies of the chapters: every cell tagged `solution` removed, outputs cleared.

    python -m tools.make_student notebooks student

The copies are generated, never edited by hand: `make student` rebuilds them from the chapters, and
`make book` puts them into the book's download (tools/student_kit.py).
"""

from __future__ import annotations

import sys
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


def without_solutions(nb: nbformat.NotebookNode, notice: str) -> nbformat.NotebookNode:
    """`nb` without solution cells and outputs, with `notice` as its second cell."""
    nb.cells = [cell for cell in nb.cells if not is_solution(cell)]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(notice))
    return nb


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
