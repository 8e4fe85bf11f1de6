"""What a measured result depends on: the functions it ran and the data files it read.

A benchmark records, while it runs, every Python function it calls (`record_calls`). When it saves
its table, each function that lives in this repository becomes one *unit* of its provenance, keyed
``path::qualified.name`` and hashed from its syntax tree *without docstrings* (comments are not in
the tree at all). Each module it imported adds one more unit, ``path::<module>``: its code outside
the functions (constants, class attributes, dataclass fields). A data file is a unit of its bytes.

So a result goes stale exactly when something it ran changed its meaning: fixing a docstring or a
comment stales nothing, editing the body of ``simulate_market`` stales just the results whose
benchmarks called it.
"""

from __future__ import annotations

import ast
import cProfile
import hashlib
import sys
import time
from functools import lru_cache
from pathlib import Path

MODULE = "<module>"
# The modules that record and save results: they measure nothing, so they are no input of one.
RECORDING = {"companion/provenance.py", "companion/results.py"}


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str):
        return body[1:]
    return body


def _digest(nodes: list[ast.AST]) -> str:
    text = "\n".join(ast.dump(n, include_attributes=False) for n in nodes)
    return hashlib.sha256(text.encode()).hexdigest()


def _is_function(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)


def _walk_units(body: list[ast.stmt], prefix: str, units: dict, spans: list) -> list[ast.stmt]:
    """Hash each function of ``body`` (methods of classes too, by qualified name) into ``units``;
    return ``body`` with the functions taken out and docstrings dropped: the skeleton."""
    skeleton = []
    for node in _without_docstring(body):
        if _is_function(node):
            name = prefix + node.name
            node.body = _without_docstring(node.body) or [ast.Pass()]
            units[name] = _digest([node])
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            spans.append((first, node.end_lineno, name))
        elif isinstance(node, ast.ClassDef):
            node.body = _walk_units(node.body, f"{prefix}{node.name}.", units, spans) or [ast.Pass()]
            skeleton.append(node)
        else:
            skeleton.append(node)
    return skeleton


@lru_cache(maxsize=512)
def _parse(path: str, mtime_ns: int, size: int) -> tuple[dict[str, str], tuple]:
    """(unit name -> hash, spans of the functions) of one Python file; cached per file version."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    units: dict[str, str] = {}
    spans: list[tuple[int, int, str]] = []
    units[MODULE] = _digest(_walk_units(tree.body, "", units, spans))
    return units, tuple(spans)


def python_units(path: Path) -> tuple[dict[str, str], tuple]:
    stat = path.stat()
    return _parse(str(path), stat.st_mtime_ns, stat.st_size)


def unit_at(path: Path, line: int) -> str:
    """The function (qualified name) whose lines hold ``line``, or <module> for code outside any."""
    _, spans = python_units(path)
    holding = [(first, name) for first, last, name in spans if first <= line <= last]
    return min(holding)[1] if holding else MODULE  # the outermost: nested code belongs to it


def unit_hash(root: Path, key: str) -> str | None:
    """The current hash of a unit ``path::name`` or of a data file ``path``; None if it is gone."""
    rel, _, name = key.partition("::")
    path = root / rel
    if not path.is_file():
        return None
    if not name:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        return python_units(path)[0].get(name)
    except SyntaxError:
        return None


def stale_units(root: Path, depends_on: dict[str, str]) -> list[str]:
    """The units of ``depends_on`` whose hash is not the recorded one (changed or gone)."""
    return [key for key, digest in sorted(depends_on.items()) if unit_hash(root, key) != digest]


class CallRecorder:
    """Collects the code object of every Python function called while it is on.

    It uses the standard library's C profiler (`cProfile`, without builtins), which Python calls
    on every Python function call and return of this thread. On the course's small training loops,
    mostly torch's own Python frames, that costs about a quarter more time (measured: 1.14 s ->
    1.45 s for five epochs of a TinyLSTM); torch's C++ kernels are not seen at all.
    """

    def __init__(self) -> None:
        self._profile = cProfile.Profile(builtins=False)
        self.started = time.time()

    @property
    def codes(self) -> set:
        return {entry.code for entry in self._profile.getstats() if not isinstance(entry.code, str)}

    def start(self) -> CallRecorder:
        self._profile.enable()
        return self

    def stop(self) -> None:
        self._profile.disable()


_RECORDER: CallRecorder | None = None


def record_calls() -> None:
    """Start recording the functions this process calls (once; `benchmarks/__init__.py` does it)."""
    global _RECORDER
    if _RECORDER is None:
        _RECORDER = CallRecorder().start()


def _inside(path: Path, root: Path) -> Path | None:
    try:
        return path.resolve().relative_to(root)
    except ValueError:
        return None


def called_units(root: Path) -> set[str]:
    """``path::function`` for every recorded function defined in a Python file under ``root``."""
    found = set()
    for code in _RECORDER.codes if _RECORDER else set():
        path = Path(code.co_filename)
        # Generated code names a pseudo-file ("<_remote_module_non_scriptable>.py" from torch):
        # only real source files count.
        if not (path.is_absolute() and path.suffix == ".py" and path.is_file()):
            continue
        rel = _inside(path, root)
        if rel is not None and ".venv" not in rel.parts:
            found.add(f"{rel}::{unit_at(root / rel, code.co_firstlineno)}")
    return found


def imported_module_units(root: Path, package: str = "companion") -> set[str]:
    """``path::<module>`` for every module of ``package`` imported in this process."""
    found = set()
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and (name == package or name.startswith(package + ".")):
            rel = _inside(Path(path), root)
            if rel is not None:
                found.add(f"{rel}::{MODULE}")
    return found


def whole_file_units(root: Path, rel: str | Path) -> set[str]:
    """Every unit of one file: all its functions and its skeleton (Python), or its bytes (data)."""
    rel = Path(rel)
    if rel.suffix != ".py":
        return {str(rel)}
    return {f"{rel}::{name}" for name in python_units(root / rel)[0]}


def _refuse_changed_while_running(root: Path, keys: set[str]) -> None:
    """The hashes are taken from the files now: refuse if one changed after this process started
    (an edit or a git merge during a run), since the code that ran is then not the code on disk."""
    started = _RECORDER.started if _RECORDER else time.time()
    changed = sorted({k.partition("::")[0] for k in keys
                      if (root / k.partition("::")[0]).is_file()
                      and (root / k.partition("::")[0]).stat().st_mtime > started})
    if changed:
        raise RuntimeError(f"{', '.join(changed)} changed while this benchmark ran, so the result "
                           "cannot say which code produced it. Run the benchmark again.")


def dependencies(root: Path, *, scripts: list[Path], extra: list[str | Path] = (),
                 data: list[Path] = ()) -> dict[str, str]:
    """The provenance of a result saved now: unit -> hash.

    The functions recorded in files under ``root`` (if recording is on), the skeleton of every
    imported `companion` module, every unit of ``scripts`` and ``extra`` (files whose code ran
    in another process, such as notebooks), and the bytes of the ``data`` files.
    """
    root = root.resolve()
    keys = called_units(root) | imported_module_units(root)
    for rel in [*(p.resolve().relative_to(root) for p in scripts), *extra]:
        keys |= whole_file_units(root, rel)
    keys |= {str(p.resolve().relative_to(root)) for p in data}
    keys = {k for k in keys if k.partition("::")[0] not in RECORDING}
    _refuse_changed_while_running(root, keys)
    return {key: unit_hash(root, key) for key in sorted(keys)}
