"""The sentence-in-both-languages workflow of CONTRIBUTING.md ("The Chinese edition"), performed.

On a scratch copy of the sources (no English build, nothing of the real tree touched), a contributor
changes one English sentence of a chapter and its entry in the chapter's catalog, then runs the
one command, `python -m tools.zh_edition sync` (`make translation`): the catalogs must be in step
and the Chinese student copy must say the new Chinese, within the minute, no chapter executed.
Forgetting the catalog must fail, naming the entry to edit.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from babel.messages.pofile import read_po, write_po

from tests.nbval_guard import ROOT
from tools.po_check import catalog_problems

PAGE = "notebooks/02_baseline"
CATALOG = Path("locales/zh_CN/LC_MESSAGES") / f"{PAGE}.po"
# What the Chinese edition is made from; no _build/: the command must need no English build.
SOURCES = ["_toc.yml", "_config.yml", "book", "notebooks", "locales", "tools",
           "LICENSE", "LICENSE-TEXT.md", "CITATION.cff"]
ADDED_EN, ADDED_ZH = " The test changed this sentence.", "这句话由测试改过。"
LIMIT_S = 60


@pytest.fixture
def scratch(tmp_path) -> Path:
    for name in SOURCES:
        origin, target = ROOT / name, tmp_path / name
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            shutil.copy2(origin, target)
    return tmp_path


def _a_translated_sentence(root: Path) -> tuple[str, str]:
    """An entry of the chapter's catalog whose English stands as it is in one Markdown cell."""
    with open(root / CATALOG, "rb") as handle:
        entries = [m for m in read_po(handle) if m.id and m.string and "\n" not in m.id and "{" not in m.id]
    cells = [c.source for c in nbformat.read(root / f"{PAGE}.ipynb", as_version=4).cells if c.cell_type == "markdown"]
    return next((m.id, m.string) for m in entries if len(m.id) > 60 and m.id.endswith(".")
                and sum(source.count(m.id) for source in cells) == 1)


def _edit_english(root: Path, english: str) -> None:
    """Edit 1: the sentence in the chapter."""
    path = root / f"{PAGE}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace(english, english + ADDED_EN)
    nbformat.write(nb, path)


def _edit_catalog(root: Path, english: str, chinese: str) -> None:
    """Edit 2: the same entry in the chapter's catalog, msgid the new English, msgstr the new Chinese."""
    with open(root / CATALOG, "rb") as handle:
        catalog = read_po(handle)
    catalog.delete(english)
    catalog.add(english + ADDED_EN, chinese + ADDED_ZH)
    with open(root / CATALOG, "wb") as handle:
        write_po(handle, catalog, width=76)


def _the_one_command(root: Path) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tools.zh_edition", "sync"], cwd=root, env=env,
                          capture_output=True, text=True)
    return done, time.perf_counter() - start


def test_one_sentence_in_both_languages_takes_two_edits_and_one_command(scratch):
    english, chinese = _a_translated_sentence(scratch)
    _edit_english(scratch, english)
    _edit_catalog(scratch, english, chinese)
    done, elapsed = _the_one_command(scratch)
    assert done.returncode == 0, done.stdout + done.stderr
    assert elapsed < LIMIT_S, f"`make translation` took {elapsed:.0f} s (limit {LIMIT_S} s)"
    problems = [p for po in sorted((scratch / "locales").rglob("*.po")) for p in catalog_problems(po)]
    assert not problems, "\n".join(problems)
    with open(scratch / CATALOG, "rb") as handle:
        entry = read_po(handle)[english + ADDED_EN]
    assert entry.string == chinese + ADDED_ZH and not entry.fuzzy
    copy = scratch / "student-zh" / f"{Path(PAGE).name}.ipynb"
    assert copy.exists(), f"the command wrote no Chinese student copy {copy.relative_to(scratch)}"
    student = nbformat.read(copy, as_version=4)
    prose = "\n".join(c.source for c in student.cells if c.cell_type == "markdown")
    assert chinese + ADDED_ZH in prose and ADDED_EN.strip() not in prose


def test_a_sentence_changed_in_english_only_fails_naming_its_entry(scratch):
    english, chinese = _a_translated_sentence(scratch)
    _edit_english(scratch, english)
    done, elapsed = _the_one_command(scratch)
    assert done.returncode != 0, "the command passed with a changed English sentence and no catalog change"
    assert elapsed < LIMIT_S, f"`make translation` took {elapsed:.0f} s (limit {LIMIT_S} s)"
    report = done.stdout + done.stderr
    assert f"{CATALOG}:" in report and repr(english + ADDED_EN) in report and repr(chinese) in report, report
    assert not (scratch / "student-zh").exists(), "Chinese student copies written from catalogs out of step"
