"""The student copies: no solution survives, and what remains does not depend on a solution."""

import ast
import json
from pathlib import Path

import pytest

from tests.nbval_guard import toc_notebooks
from tools.make_student import assigned_names as _assigned
from tools.make_student import main as make_student

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = [p for p in toc_notebooks() if p.startswith("notebooks/")]


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    make_student(str(ROOT / "notebooks"), str(out))
    return out


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_solution_survives(student_dir, chapter):
    copy = student_dir / Path(chapter).name
    for cell in cells(copy):
        assert "solution" not in cell["metadata"].get("tags", []), f"{copy}: a solution cell survived"
        assert "{solution" not in source(cell), f"{copy}: a solution directive survived:\n{source(cell)[:200]}"
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{copy}: a cell kept its outputs"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_has_a_solution(chapter):
    text = [source(c) for c in cells(ROOT / chapter)]
    exercises = [line.split(":label:")[1].strip() for t in text if "{exercise}" in t
                 for line in t.splitlines() if line.strip().startswith(":label:")]
    solutions = [t for t in text if "{solution-start}" in t]
    assert len(exercises) >= 2, f"{chapter}: at least two exercises expected, found {exercises}"
    for label in exercises:
        assert any(label in s for s in solutions), f"{chapter}: exercise {label} has no solution"
    for cell in cells(ROOT / chapter):
        if "{solution-start}" in source(cell) or "{solution-end}" in source(cell):
            assert "solution" in cell["metadata"].get("tags", []), (
                f"{chapter}: tag the solution-start/end cell with 'solution' so that `make student` removes it"
            )


def _loaded(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_later_cells_do_not_need_a_solution(chapter):
    """A name defined only in a solution and used by a later ordinary cell breaks the student copy."""
    only_in_solutions: set[str] = set()
    defined: set[str] = set()
    for cell in cells(ROOT / chapter):
        if cell["cell_type"] != "code":
            continue
        code = "\n".join(line for line in source(cell).splitlines() if not line.lstrip().startswith(("%", "!")))
        tree = ast.parse(code)
        if "solution" in cell["metadata"].get("tags", []):
            only_in_solutions |= _assigned(tree) - defined
        else:
            needed = (_loaded(tree) & only_in_solutions) - _assigned(tree)
            assert not needed, f"{chapter}: {sorted(needed)} are defined only in a solution cell"
            defined |= _assigned(tree)
            only_in_solutions -= defined
