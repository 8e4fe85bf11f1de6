"""The student download (tools/student_kit.py): every chapter, no solution, and what the chapters read."""

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from companion.results import is_fresh
from tests.nbval_guard import toc_notebooks
from tools.student_kit import TOP, build, chapters

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = [Path(p).name for p in toc_notebooks() if p.startswith("notebooks/")]


def solution_cells(notebook: dict) -> list[str]:
    return ["".join(c["source"])[:80] for c in notebook["cells"]
            if "solution" in c.get("metadata", {}).get("tags", []) or "{solution-start}" in "".join(c["source"])]


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """The download, built and unpacked."""
    out = tmp_path_factory.mktemp("kit")
    with zipfile.ZipFile(build(out / "kit.zip")) as z:
        z.extractall(out)
    return out / TOP


def test_kit_reads_the_toc_as_the_notebook_run_does():
    assert [str(p.relative_to(ROOT)) for p in chapters()] == [p for p in toc_notebooks() if p.startswith("notebooks/")]


def test_kit_needs_no_test_tooling():
    """`setup_course.py book` runs tools.student_kit in a learner's .venv, which has no pytest."""
    code = ("import sys, builtins; real = builtins.__import__\n"
            "def guard(name, *a, **k):\n"
            "    if name.split('.')[0] in ('pytest', 'tests', 'hypothesis', 'nbval'): raise ImportError(name)\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = guard\n"
            "import tools.student_kit")
    ran = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr[-800:]


def test_every_chapter_without_solutions(kit):
    for name in CHAPTERS:
        notebook = json.loads((kit / "notebooks" / name).read_text())
        assert not solution_cells(notebook), f"{name} in the download holds solutions"
    assert sorted(p.name for p in (kit / "notebooks").glob("*.ipynb")) == sorted(CHAPTERS)


def test_the_solution_check_can_fail():
    chapter = json.loads((ROOT / "notebooks" / CHAPTERS[0]).read_text())
    assert solution_cells(chapter), "the full chapter has solutions, so the check above has something to find"


def test_package_and_data_are_inside(kit):
    shipped = {p.relative_to(ROOT) for p in (ROOT / "companion").rglob("*") if p.is_file()
               and "__pycache__" not in p.parts}
    missing = [str(p) for p in shipped if not (kit / p).exists()]
    assert not missing, f"the download lacks {missing}"
    for name in ("pyproject.toml", "requirements.txt", "tools/setup_course.py", "README.md", "LICENSE",
                 "LICENSE-TEXT.md", "CITATION.cff"):
        assert (kit / name).exists(), f"the download lacks {name}"


def test_the_tables_the_chapters_read_are_fresh_in_the_download(kit):
    """Each chapter reads measured tables, which refuse to load when their sources differ."""
    names = set()
    for name in CHAPTERS:
        names |= set(re.findall(r'load_result\(\\"(\w+)\\"', (ROOT / "notebooks" / name).read_text()))
    assert names, "no chapter reads a measured table: the pattern above is out of date"
    stale = [n for n in sorted(names) if not is_fresh(n, root=kit)]
    assert not stale, f"in the download these tables would refuse to load: {stale}"


def test_book_is_refused_in_the_download_before_any_set_up(kit):
    ran = subprocess.run([sys.executable, "tools/setup_course.py", "book"], cwd=kit, capture_output=True, text=True)
    assert ran.returncode == 1 and "course repository" in ran.stderr
    assert not (kit / ".venv").exists(), "it started a set-up it could not use"


def test_chapter_times_lists_the_book_chapters_and_imports_in_the_download(kit):
    """`python -m benchmarks.chapter_times` (shipped in the download) needs neither tests/ nor
    _toc.yml, and times exactly the chapters of the book."""
    from benchmarks import chapter_times

    assert chapter_times.chapters() == [p for p in toc_notebooks() if p.startswith("notebooks/")]
    code = "import benchmarks.chapter_times as c; print(len(c.chapters()), c.ROOT)"
    ran = subprocess.run([sys.executable, "-c", code], cwd=kit, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(kit)})
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == [str(len(CHAPTERS)), str(kit)]
