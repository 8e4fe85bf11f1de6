"""A chapter in Chinese for JupyterLab: its Markdown cells and figure captions taken from the catalog.

    python -m tools.translate_notebook notebooks student-zh     # Chinese student copies

The rendered Chinese book translates the chapters with Sphinx (tools/zh_edition.py). A learner in
JupyterLab reads the notebook itself, so this module writes the same translations into the
notebook's cells: each catalog entry (a paragraph, a title, a list item, a table cell, a caption)
replaces its English source where it stands. The code is the English chapter's, so the {eval}
roles and the figures compute what it computes; only the words a verdict prints (the literals given
to choose(), show() and verdict(), translated in values.po) are the Chinese ones.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import nbformat
from babel.messages.pofile import read_po

from tools.make_student import without_solutions, write_copies

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
NOTICE_ZH = ("*学生版，由 `{source}` 生成：参考答案已删去。请先自己完成每个练习，再对照渲染版课本中的参考答案。*")
# Between two words of a message: any whitespace, including a line break inside a block quote.
GAP = r"(?:\s*\n[ \t]*(?:>[ \t]*)*|[ \t]+)"
# A message stands alone in its block: after a line start, a list or heading marker, a table bar or
# a directive's name; before the line's end or a table bar.
WORD = re.compile(r"[A-Za-z]{2,}")   # a printed value with a word in it needs a translation
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")
BEFORE, AFTER = r"(?:(?<=^)|(?<=[\s|>]))", r"(?=[ \t]*(?:$|\|))"


def load_catalog(page: str) -> dict[str, str]:
    """The translated entries of one page's catalog (page as in _toc.yml, e.g. notebooks/02_baseline),
    or of values.po (page "values")."""
    path = CATALOGS / f"{page}.po"
    if not path.exists():
        raise SystemExit(f"No catalog {path.relative_to(ROOT)}: run `make translation` and translate it.")
    with open(path, "rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string and not m.fuzzy}


# The helpers of companion.prose whose string arguments are words the prose prints.
WORD_HELPERS = ("choose", "show", "tally", "verdict")


def verdict_literals(code: str) -> list[ast.Constant]:
    """The string literals `code` gives companion.prose.choose, show, tally or verdict, by position or by
    keyword (verdict's reached=, close=, not_reached=): the words a verdict prints."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []   # a cell with an IPython magic holds no verdict
    return [arg for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in WORD_HELPERS
            for arg in [*node.args, *(k.value for k in node.keywords)]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]


def _literals(code: str, values: dict[str, str]) -> str:
    """`code` with the words it gives choose(), show() or verdict() in Chinese (values.po), so that a verdict
    computed in JupyterLab prints Chinese; the condition, and hence the branch taken, is unchanged.
    Only those arguments change: the same word elsewhere (a column name, a key) stays as it is."""
    lines = code.splitlines(keepends=True)
    found = [c for c in verdict_literals(code) if c.value in values and c.lineno == c.end_lineno]
    # From the last to the first, so that earlier positions stay valid; ast counts columns in bytes.
    for literal in sorted(found, key=lambda c: (c.lineno, c.col_offset), reverse=True):
        raw = lines[literal.lineno - 1].encode()
        start, end = len(raw[:literal.col_offset].decode()), len(raw[:literal.end_col_offset].decode())
        line = lines[literal.lineno - 1]
        lines[literal.lineno - 1] = line[:start] + json.dumps(values[literal.value], ensure_ascii=False) + line[end:]
    return "".join(lines)


def _translate_verdicts(cell, values: dict[str, str]) -> None:
    if cell.cell_type == "code":
        cell.source = _literals(cell.source, values)
    else:   # the expressions of the prose's {eval} roles
        cell.source = EVAL_ROLE.sub(lambda m: "{eval}`" + _literals(m.group(1), values) + "`", cell.source)


def _pattern(message: str) -> re.Pattern:
    words = [re.escape(word) for word in message.split()]
    return re.compile(BEFORE + GAP.join(words) + AFTER, re.MULTILINE)


def translate_text(source: str, catalog: dict[str, str]) -> tuple[str, set[str]]:
    """`source` with every catalog message found in it translated; also the messages used.

    Longer messages go first, so that a short one (a title such as "Exercise") never replaces a
    piece of a longer paragraph.
    """
    used = set()
    for message in sorted(catalog, key=len, reverse=True):
        pattern = _pattern(message)
        # The pattern matches the message's words, not the blank lines around them (a formula's
        # message starts with a line break, and a blank line after $$ would end the formula).
        translation = catalog[message].strip()
        if translation == message.strip():
            used.update([message] if pattern.search(source) else [])
            continue
        source, count = pattern.subn(lambda _, text=translation: text, source)
        if count:
            used.add(message)
    return source, used


def _translate_metadata(cell, catalog: dict[str, str], used: set[str]) -> None:
    """Figure captions and alt texts live in a code cell's metadata (myst-nb's mystnb.figure, image)."""
    mystnb = cell.get("metadata", {}).get("mystnb", {})
    for owner, key in ((mystnb.get("figure", {}), "caption"), (mystnb.get("image", {}), "alt")):
        text = owner.get(key)
        if isinstance(text, str) and " ".join(text.split()) in catalog:
            owner[key] = catalog[" ".join(text.split())]
            used.add(" ".join(text.split()))


def translated_notebook(path: Path, page: str) -> tuple[nbformat.NotebookNode, set[str]]:
    """The notebook at `path` in Chinese, and the catalog messages it did not contain.

    A message the notebook does not contain comes from what the chapter prints (a figure's alt
    text is in its metadata, so it is found); the test of the Chinese student copies requires none.
    """
    catalog, values = load_catalog(page), load_catalog("values")
    nb = nbformat.read(path, as_version=4)
    used: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source, found = translate_text(cell.source, catalog)
            used |= found
        else:
            _translate_metadata(cell, catalog, used)
        _translate_verdicts(cell, values)
    return nb, set(catalog) - used


def student_copy_zh(path: Path, page: str) -> nbformat.NotebookNode:
    """The Chinese student copy: translated, then solutions and outputs removed as in English."""
    nb, _ = translated_notebook(path, page)
    return without_solutions(nb, NOTICE_ZH.format(source=f"{page}.ipynb"), "zh_CN")


def main(src: str = "notebooks", dst: str = "student-zh") -> list[Path]:
    return write_copies(src, dst, lambda chapter: student_copy_zh(chapter, f"{Path(src).name}/{chapter.stem}"),
                        "Chinese student notebooks")


if __name__ == "__main__":
    main(*sys.argv[1:3])
