"""The public names of `companion`: what the API reference page (book/api.md) documents.

One definition, used by the page (book/_ext/api_reference.py), by the links from the chapters to
it, and by the tests that check the page lists every name (tests/test_api_names.py,
tests/test_book_api.py, tests/browser/test_pages.py). Plain Python, no Sphinx: the tests import it from book/_ext.

A public name is a dotted path a reader can import, e.g. ``companion.train.fit``:

- the modules: every module of companion whose path has no part starting with "_", except the
  modules inside a subpackage whose ``__init__`` declares ``__all__`` (``companion.exercises``:
  its chapter modules are the exercises' data, reached through ``check``, ``hint``, ``solution``);
- the names of a module: its ``__all__``; without one, the names its own source defines at the top
  level (functions, classes, constants) not starting with "_", and for a package the names its
  ``__init__`` imports from its own modules (``companion.models.TinyLSTM``).

One object is often public under several paths (``companion.get_device`` re-exports
``companion.device.get_device``). The page documents it once, under its home: the module whose
source defines it, if that module is public, else the shortest public path; the other paths are
its aliases.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PACKAGE = "companion"


@dataclass
class Entry:
    """One documented object: its home path, its kind for autodoc, and its other public paths."""

    path: str                     # e.g. "companion.device.get_device"
    kind: str                     # "class", "function" or "data"
    aliases: list[str] = field(default_factory=list)

    @property
    def module(self) -> str:
        return self.path.rsplit(".", 1)[0]


def _source_tree(module: str) -> ast.Module:
    spec = importlib.util.find_spec(module)
    return ast.parse(Path(spec.origin).read_text(encoding="utf-8"))


def _is_package(module: str) -> bool:
    return importlib.util.find_spec(module).submodule_search_locations is not None


def _module_all(module: str) -> list[str] | None:
    return getattr(importlib.import_module(module), "__all__", None)


@lru_cache(maxsize=1)
def _all_modules() -> tuple[str, ...]:
    """Every module of companion, private ones included: the package, then what it walks to."""
    package = importlib.import_module(PACKAGE)
    return (PACKAGE, *(m.name for m in pkgutil.walk_packages(package.__path__, PACKAGE + ".")))


def public_modules() -> list[str]:
    """Every public module of companion, the packages included, in import-path order."""
    public = [m for m in _all_modules() if not any(part.startswith("_") for part in m.split("."))]
    # A subpackage with __all__ exposes exactly that: its own modules are its implementation.
    closed = [m for m in public if m != PACKAGE and _is_package(m) and _module_all(m) is not None]
    return sorted(m for m in public if not any(m.startswith(c + ".") for c in closed))


def _defined_here(tree: ast.Module) -> list[str]:
    """Names the module's own source binds at the top level, in source order."""
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return names


def _imports(module: str) -> dict[str, tuple[str, str]]:
    """name -> (module, name) it is imported from, for the module's `from companion... import`s."""
    found = {}
    for node in _source_tree(module).body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith(PACKAGE):
            for alias in node.names:
                found[alias.asname or alias.name] = (node.module, alias.name)
    return found


def exported(module: str) -> list[str]:
    """The public names of one module (see the module docstring), in its own order."""
    declared = _module_all(module)
    if declared is not None:
        return list(declared)
    names = _defined_here(_source_tree(module))
    if _is_package(module):   # a package's __init__ re-exports its modules' names
        names += [n for n, (origin, _) in _imports(module).items() if origin.startswith(module + ".")]
    return [n for n in dict.fromkeys(names) if not n.startswith("_")]


def _origin(module: str, name: str) -> str:
    """The path of the module that defines `name`, following `from ... import` re-exports."""
    seen = set()
    while (module, name) in _all_imports() and (module, name) not in seen:
        seen.add((module, name))
        module, name = _all_imports()[(module, name)]
    return f"{module}.{name}"


@lru_cache(maxsize=1)
def _all_imports() -> dict[tuple[str, str], tuple[str, str]]:
    return {(m, name): origin for m in _all_modules() for name, origin in _imports(m).items()}


def _kind(path: str) -> str:
    module, name = path.rsplit(".", 1)
    obj = getattr(importlib.import_module(module), name)
    if isinstance(obj, type):
        return "class"
    return "function" if callable(obj) else "data"


@lru_cache(maxsize=1)
def public_entries() -> tuple[Entry, ...]:
    """Every public object of companion, once, under its home path, its aliases beside it."""
    paths = [f"{m}.{n}" for m in public_modules() for n in exported(m)]
    by_origin: dict[str, list[str]] = {}
    for path in paths:
        by_origin.setdefault(_origin(*path.rsplit(".", 1)), []).append(path)
    entries = []
    for origin, same in by_origin.items():
        home = origin if origin in same else min(same, key=lambda p: (p.count("."), p))
        entries.append(Entry(home, _kind(home), sorted(p for p in same if p != home)))
    return tuple(sorted(entries, key=lambda e: (e.module, paths.index(e.path))))


def public_names() -> dict[str, str]:
    """Every public name of companion -> the path of the entry that documents it (itself for a home)."""
    return {name: e.path for e in public_entries() for name in [e.path, *e.aliases]}
