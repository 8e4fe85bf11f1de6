"""The package reads in small pieces: no function or method of `companion` is longer than 80 lines
(CONTRIBUTING.md, "The package"). A longer one is split into named steps."""

import ast
from pathlib import Path

import companion

MAX_LINES = 80
PACKAGE = Path(companion.__file__).parent


def _function_lengths(path: Path):
    """(qualified name, lines from the def, decorators excluded, to its last line) of every def."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            name = prefix
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}."
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield name[:-1], child.end_lineno - child.lineno + 1
            yield from walk(child, name)

    yield from walk(tree, "")


def test_no_function_in_companion_is_longer_than_80_lines():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20, f"expected the package's modules under {PACKAGE}, found {len(files)}"
    long = [f"{path.relative_to(PACKAGE.parent)}::{name} has {lines} lines"
            for path in files for name, lines in _function_lengths(path) if lines > MAX_LINES]
    assert not long, (f"functions longer than {MAX_LINES} lines (split each into named steps):\n"
                      + "\n".join(long))


def test_the_scan_sees_methods_and_nested_functions(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("class A:\n    def m(self):\n        def inner():\n            pass\n"
                     "async def f():\n    x = 1\n    return x\n", encoding="utf-8")
    assert dict(_function_lengths(probe)) == {"A.m": 3, "A.m.inner": 2, "f": 3}
