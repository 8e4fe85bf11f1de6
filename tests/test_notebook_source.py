"""Static checks of the chapters' source: the rules that keep the book and JupyterLab showing the
same computed prose (see companion/prose.py).

- Numbers reach the prose only through `{eval}` (no myst-nb glue: JupyterLab cannot show it).
- Every name an `{eval}` reads is assigned in exactly one code cell: the book evaluates the prose
  in order while JupyterLab evaluates it after Run All, and a single assignment keeps both equal.
- Prose outside solutions reads no name that only a solution cell assigns (the student copy drops
  solution cells).
- No code cell ends with ';' (IPython would then silence the next `{eval}` of the book build).
- Every chapter has at least two numbered figures, each with a caption, a label and alt text.
- The code a reader sees is the lesson: a chapter opens with a short set-up cell; authoring scaffolding
  (`noqa`, the chapter's clock, the asserts that keep the prose true) sits in cells the book hides and
  JupyterLab collapses; the instructor and results pages fold all their code (chapter code stays open).
"""

import ast
import builtins
import json
import re
import sys

import pytest

from tests.nbval_guard import ROOT, toc_notebooks

NOTEBOOKS = [n for n in toc_notebooks() if n.endswith(".ipynb")]
CHAPTERS = [n for n in NOTEBOOKS if n.startswith("notebooks/")]
EVAL = re.compile(r"\{eval\}`([^`]+)`")
GLUE = re.compile(r"\{glue(:\w+)?\}|```\{glue|\bglue\(|from myst_nb import glue")
HELPERS = {"pct", "show", "interval", "choose", "verdict"}
PAGES = [n for n in NOTEBOOKS if not n.startswith("notebooks/")]   # the instructor and results pages
FIRST_CELL_LINES = 12
HIDING = {"remove-input", "hide-input"}
# What only an author needs: lint pragmas, the chapter's clock, asserts that keep the prose true.
SCAFFOLDING = re.compile(r"noqa|chapter_started|start_clock|chapter_seconds|chapter ran in")
PROSE_GUARD = re.compile(r"\bthe (text|prose) (says|below)|fix the text")   # in a string: an assert's message


def cells(notebook: str) -> list[dict]:
    return json.loads((ROOT / notebook).read_text())["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def is_solution(cell: dict) -> bool:
    return "solution" in cell.get("metadata", {}).get("tags", [])


def names_read(expression: str) -> set[str]:
    tree = ast.parse(expression, mode="eval")
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return loaded - HELPERS - set(dir(builtins))


def names_assigned(code: str) -> set[str]:
    """Names a code cell binds at its top level: assignments, loop and with targets, imports, defs.

    Names bound inside a function body or a comprehension are local to it and not counted.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:  # IPython magics: the chapters' prose names are not bound there
        return set()
    bound: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
            return  # its body is another scope
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return bound


def problems_of(notebook: str) -> list[str]:
    found, assigned_in = [], {}
    all_cells = cells(notebook)
    for i, cell in enumerate(all_cells):
        text = source(cell)
        if "({eq}`" in text:
            found.append(f"cell {i}: ({{eq}}`...`) shows as ((1)): the role already writes the parentheses")
        if GLUE.search(text):
            found.append(f"cell {i}: uses myst-nb glue; use {{eval}} with companion.prose instead")
        if cell["cell_type"] == "code":
            if text.rstrip().endswith(";"):
                found.append(f"cell {i}: ends with ';' (silences the next {{eval}} in the book build)")
            for name in names_assigned(text):
                assigned_in.setdefault(name, []).append(i)
    for i, cell in enumerate(all_cells):
        if cell["cell_type"] != "markdown":
            continue
        for expression in EVAL.findall(source(cell)):
            try:
                names = names_read(expression)
            except SyntaxError:
                found.append(f"cell {i}: {{eval}}`{expression}` is not a Python expression")
                continue
            for name in sorted(names):
                where = assigned_in.get(name, [])
                if len(where) != 1:
                    found.append(f"cell {i}: {{eval}}`{expression}` reads {name!r}, assigned in cells {where} "
                                 "(it must be assigned in exactly one code cell)")
                elif name in STUDENT_ANSWER_NAMES:
                    found.append(f"cell {i}: {{eval}}`{expression}` reads {name!r}, which the student copy's "
                                 "exercise cells assign again (answer = ...): after Run All the prose would "
                                 "show theirs; rename it")
                elif not is_solution(cell) and is_solution(all_cells[where[0]]):
                    found.append(f"cell {i}: {{eval}}`{expression}` reads {name!r}, which only a solution "
                                 f"cell ({where[0]}) assigns: the student copy would show an error")
    return found


# The student copies add after each exercise a cell `answer = ...` (tools.make_student.answer_cell).
STUDENT_ANSWER_NAMES = {"answer"}


def figure_problems(notebook: str) -> list[str]:
    figures = []
    for i, cell in enumerate(cells(notebook)):
        meta = cell.get("metadata", {}).get("mystnb", {})
        if "figure" in meta:
            fig, alt = meta["figure"], meta.get("image", {}).get("alt", "")
            if not (fig.get("caption", "").strip() and fig.get("name", "").strip() and alt.strip()):
                return [f"cell {i}: a figure needs a caption, a name (label) and alt text: {meta}"]
            figures.append(fig["name"])
    if len(figures) < 2:
        return [f"{len(figures)} numbered figures ({figures}); every chapter needs at least two"]
    return []


def equation_problems(notebook: str) -> list[str]:
    """The chapter numbers its key equation(s) and refers to one by number."""
    prose = "\n".join(source(c) for c in cells(notebook) if c["cell_type"] == "markdown")
    labels = set(re.findall(r"\$\$\s*\((eq-[\w-]+)\)", prose))
    referred = set(re.findall(r"\{eq\}`([\w-]+)`", prose)) & labels
    if not referred:
        return [f"numbered equations {sorted(labels)}, referred to by {{eq}}: {sorted(referred)}; "
                "number the chapter's key equation ($$ ... $$ (eq-NN-name)) and refer to it"]
    return []


@pytest.mark.parametrize("notebook", CHAPTERS)
def test_chapter_numbers_its_key_equation(notebook):
    problems = equation_problems(notebook)
    assert not problems, f"{notebook}: " + "\n".join(problems)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_prose_numbers_are_evaluated_consistently(notebook):
    problems = problems_of(notebook)
    assert not problems, f"{notebook}:\n" + "\n".join(problems)


@pytest.mark.parametrize("notebook", CHAPTERS)
def test_chapter_has_numbered_captioned_figures(notebook):
    problems = figure_problems(notebook)
    assert not problems, f"{notebook}: " + "\n".join(problems)


def test_the_checks_can_fail(tmp_path, monkeypatch):
    nb = {"cells": [
        {"cell_type": "code", "metadata": {}, "source": "acc = 0.5\nfig = 1;"},
        {"cell_type": "markdown", "metadata": {}, "source": "It is {eval}`pct(acc)` and {glue:text}`k` ({eq}`eq-x`)."},
        {"cell_type": "code", "metadata": {}, "source": "acc = 0.6"},
        {"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": "secret = 1"},
        {"cell_type": "markdown", "metadata": {}, "source": "{eval}`show(secret)`"},
        {"cell_type": "code", "metadata": {}, "source": "answer = 3"},
        {"cell_type": "markdown", "metadata": {}, "source": "{eval}`show(answer)`"},
    ]}
    (tmp_path / "x.ipynb").write_text(json.dumps(nb))
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = "\n".join(problems_of("x.ipynb"))
    assert "ends with ';'" in found and "glue" in found and "((1))" in found
    assert "reads 'acc', assigned in cells [0, 2]" in found
    assert "only a solution cell" in found
    assert "reads 'answer', which the student copy's exercise cells assign again" in found
    assert "0 numbered figures" in figure_problems("x.ipynb")[0]
    assert equation_problems("x.ipynb")


def first_cell_problems(notebook: str) -> list[str]:
    first = next(c for c in cells(notebook) if c["cell_type"] == "code")
    n = len(source(first).strip("\n").splitlines())
    if n > FIRST_CELL_LINES or tags(first) & HIDING:
        return [f"the first code cell must be at most {FIRST_CELL_LINES} lines and shown, got {n} lines, "
                f"tags {sorted(tags(first))}. Import each tool in the cell that first uses it; put the "
                "prose helpers in a hidden set-up cell (companion.chapter)"]
    return []


def strings_in(code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def scaffolding_problems(notebook: str) -> list[str]:
    found = []
    for i, cell in enumerate(cells(notebook)):
        if cell["cell_type"] != "code":
            continue
        hit = SCAFFOLDING.search(source(cell)) or next(
            (h for text in strings_in(source(cell)) if (h := PROSE_GUARD.search(text))), None)
        if hit and not tags(cell) & HIDING:
            found.append(f"cell {i}: shows {hit.group(0)!r}; move it to a cell tagged remove-input "
                         "and remove-output (it still runs) with metadata jupyter.source_hidden = true")
        elif hit and not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
            found.append(f"cell {i}: hides {hit.group(0)!r} in the book but not in JupyterLab; "
                         "set its metadata jupyter.source_hidden = true")
    return found


def unexecuted_cells(notebook: str) -> list[str]:
    """myst-nb's inline execution (the book's) skips a code cell tagged remove-cell: a guard or a
    set-up cell there would never run in the book build. Hide code with remove-input instead."""
    return [f"cell {i}: tagged remove-cell, so the book never runs it; use remove-input and remove-output"
            for i, cell in enumerate(cells(notebook))
            if cell["cell_type"] == "code" and "remove-cell" in tags(cell)]


@pytest.mark.parametrize("notebook", CHAPTERS + PAGES)
def test_every_code_cell_runs_in_the_book(notebook):
    assert not unexecuted_cells(notebook), "\n".join(unexecuted_cells(notebook))


def folding_problems(notebook: str) -> list[str]:
    """Pages fold every code cell (one click shows it); chapters fold none (their code is the lesson)."""
    found = []
    for i, cell in enumerate(cells(notebook)):
        if cell["cell_type"] != "code" or is_solution(cell):
            continue
        if notebook in PAGES and not tags(cell) & HIDING:
            found.append(f"cell {i}: the page's code must be folded (tag hide-input), got tags {sorted(tags(cell))}")
        if notebook in CHAPTERS and "hide-input" in tags(cell):
            found.append(f"cell {i}: a chapter's code is its lesson and stays open; remove tag hide-input "
                         "(hide only scaffolding, with remove-input)")
    return found


@pytest.mark.parametrize("notebook", CHAPTERS)
def test_chapter_opens_with_a_short_cell(notebook):
    problems = first_cell_problems(notebook)
    assert not problems, f"{notebook}: " + "\n".join(problems)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_readers_see_no_authoring_scaffolding(notebook):
    problems = scaffolding_problems(notebook)
    assert not problems, f"{notebook}:\n" + "\n".join(problems)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_pages_fold_their_code_and_chapters_do_not(notebook):
    problems = folding_problems(notebook)
    assert not problems, f"{notebook}:\n" + "\n".join(problems)


def test_the_reading_checks_can_fail(tmp_path, monkeypatch):
    long_first = "\n".join(f"import m{k}" for k in range(13))
    nb = {"cells": [
        {"cell_type": "code", "metadata": {}, "source": long_first},
        {"cell_type": "code", "metadata": {}, "source": 'assert x, "the text says x: fix the text"'},
        {"cell_type": "code", "metadata": {"tags": ["remove-input"]}, "source": "import a  # noqa: F401"},
        {"cell_type": "code", "metadata": {"tags": ["hide-input"]}, "source": "x = 1"},
        {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "source": "assert y"},
    ]}
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "x.ipynb").write_text(json.dumps(nb))
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "CHAPTERS", ["notebooks/x.ipynb"])
    assert "got 13 lines" in first_cell_problems("notebooks/x.ipynb")[0]
    found = "\n".join(scaffolding_problems("notebooks/x.ipynb"))
    assert "cell 1: shows" in found and "cell 2: hides" in found
    assert "cell 3: a chapter's code" in folding_problems("notebooks/x.ipynb")[0]
    assert "cell 4: tagged remove-cell" in unexecuted_cells("notebooks/x.ipynb")[0]
