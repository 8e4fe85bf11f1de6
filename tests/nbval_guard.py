"""A pytest plugin for the notebook run: fail when a chapter in _toc.yml did not really run.

nbval turns every code cell into a test item. A notebook that was never collected (a typo in
its path, a wrong folder) or whose cells were skipped would otherwise leave the run green. With
``--require-toc`` this plugin checks, at the end of the session, that every notebook listed in
``_toc.yml`` had *all* of its code cells executed and passing, and prints each one's run time.

With ``--student-dir=student`` a chapter ``notebooks/X.ipynb`` counts as run when its generated
student copy ``student/X.ipynb`` (the chapter without its solution cells) ran completely; `make test`
runs the student copies here while the book build executes the full chapters, solutions included.

Use: ``pytest notebooks book --nbval-lax -p tests.nbval_guard --require-toc [--student-dir=student]``.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from tools.student_kit import toc_files

ROOT = Path(__file__).resolve().parent.parent

_passed: dict[str, int] = defaultdict(int)
_failed: dict[str, int] = defaultdict(int)
_seconds: dict[str, float] = defaultdict(float)
_started = time.perf_counter()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--require-toc", action="store_true",
                     help="fail unless every notebook in _toc.yml ran all its code cells")
    parser.addoption("--student-dir", default=None,
                     help="count a chapter notebooks/X.ipynb as run when STUDENT_DIR/X.ipynb ran")


def toc_notebooks(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """The notebooks of the book, as paths relative to the repository root."""
    files = toc_files(yaml.safe_load(toc_path.read_text()))
    return [f + ".ipynb" for f in files if (ROOT / (f + ".ipynb")).exists()]


def code_cell_count(path: Path) -> int:
    cells = json.loads(path.read_text())["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip())


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    notebook = report.nodeid.split("::")[0]
    if not notebook.endswith(".ipynb"):
        return
    _seconds[notebook] += report.duration
    if report.when == "call":
        if report.passed:
            _passed[notebook] += 1
        elif report.failed:
            _failed[notebook] += 1
    elif report.failed:  # an error in set-up or tear-down
        _failed[notebook] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not session.config.getoption("--require-toc"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    student_dir = session.config.getoption("--student-dir")
    problems = []
    lines = []
    for chapter in toc_notebooks():
        notebook = chapter
        if student_dir and chapter.startswith("notebooks/"):
            notebook = f"{student_dir.rstrip('/')}/{Path(chapter).name}"
            if not (ROOT / notebook).exists():
                problems.append(f"{chapter}: its student copy {notebook} does not exist (run `make student`)")
                continue
        expected = code_cell_count(ROOT / notebook)
        ran, failed = _passed.get(notebook, 0), _failed.get(notebook, 0)
        lines.append(f"  {notebook:<45} {ran:>3}/{expected:<3} cells  {_seconds.get(notebook, 0):6.1f} s")
        if failed or ran != expected:
            problems.append(f"{notebook}: {ran} of {expected} code cells ran and passed, {failed} failed")
    if reporter:
        reporter.write_sep("=", "notebooks of _toc.yml")
        for line in lines:
            reporter.write_line(line)
        for problem in problems:
            reporter.write_line("NOT RUN: " + problem, red=True)
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
