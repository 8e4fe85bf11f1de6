"""The set-up without `make` (tools/setup_course.py), as a Windows, macOS or Linux learner runs it.

The `fresh_clone` test clones the repository into a temporary folder, runs
`python tools/setup_course.py` there (what a Windows user types as `py -3.11 tools\\setup_course.py`),
checks that the learner's .venv holds no test tooling, and runs the first chapter with that .venv.
It takes about two minutes with a warm pip cache and runs as its own `make test` step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.nbval_guard import toc_notebooks
from tests.test_requirements import DENYLIST, canon
from tools import setup_course

ROOT = Path(__file__).resolve().parent.parent


def test_venv_python_per_platform():
    assert setup_course.venv_python(Path("v"), windows=True) == Path("v/Scripts/python.exe")
    assert setup_course.venv_python(Path("v"), windows=False) == Path("v/bin/python")


def _fake_pip_report(monkeypatch, packages: list[tuple[str, str]]):
    report = {"install": [{"metadata": {"name": n, "version": v}} for n, v in packages]}

    def fake_run(cmd, **kwargs):
        assert "--dry-run" in cmd  # the probe must never install anything
        return subprocess.CompletedProcess(cmd, 0, stdout=json.dumps(report), stderr="")

    monkeypatch.setattr(setup_course.subprocess, "run", fake_run)


def test_cuda_build_is_detected_by_its_nvidia_libraries(monkeypatch):
    _fake_pip_report(monkeypatch, [("torch", "2.13.0"), ("nvidia-cublas-cu12", "12.8.4.1"), ("sympy", "1.14.0")])
    assert setup_course.pip_would_fetch_cuda(Path("python"))


def test_cpu_build_is_left_alone(monkeypatch):
    _fake_pip_report(monkeypatch, [("torch", "2.13.0+cpu"), ("sympy", "1.14.0")])
    assert not setup_course.pip_would_fetch_cuda(Path("python"))


def test_cuda_on_macos_is_refused_with_a_reason(monkeypatch):
    monkeypatch.setattr(setup_course, "installed_version", lambda *a: None)
    monkeypatch.setattr(setup_course.sys, "platform", "darwin")
    with pytest.raises(setup_course.SetupError, match="macOS has no CUDA"):
        setup_course.install_torch(Path("python"), "cuda", None)


def test_cuda_on_windows_asks_for_the_index(monkeypatch):
    monkeypatch.setattr(setup_course, "installed_version", lambda *a: None)
    monkeypatch.setattr(setup_course.sys, "platform", "win32")
    with pytest.raises(setup_course.SetupError, match="--torch-index https://download.pytorch.org/whl/cu"):
        setup_course.install_torch(Path("python"), "cuda", None)


def test_a_failed_step_names_the_command(capsys):
    with pytest.raises(setup_course.SetupError, match="exit code 3"):
        setup_course.run([sys.executable, "-c", "raise SystemExit(3)"])


# -- the documented no-make set-up, in a fresh clone ------------------------------------------------

# Run in the kernel after the chapter: which interpreter and which package did it use?
WHERE = "import sys, companion; print('WHERE', sys.executable, companion.__file__)"

RUN_CHAPTER = """
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(sys.argv[2]))
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
print(nb.cells[-1].outputs[0]["text"])
"""


def fresh_clone(dest: Path) -> Path:
    """A clone of this repository, plus the working tree's uncommitted changes to tracked files."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True)
    diff = subprocess.run(["git", "diff", "HEAD", "--binary"], cwd=ROOT, capture_output=True, check=True).stdout
    if diff:
        subprocess.run(["git", "apply", "--whitespace=nowarn"], cwd=dest, input=diff, check=True)
    return dest


def clean_env(**extra: str) -> dict:
    """This test run's environment without its own venv and paths, as a learner's shell has."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "MPLBACKEND", "COMPANION_PROGRESS")}
    return {**env, "OMP_NUM_THREADS": "1", **extra}


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


@pytest.mark.fresh_clone
def test_no_make_setup_in_a_fresh_clone(tmp_path):
    clone = fresh_clone(tmp_path / "course")
    # What the README and book/setup.md tell a learner to type, with this interpreter as `py -3.11`.
    setup = subprocess.run([sys.executable, "tools/setup_course.py"], cwd=clone, env=clean_env(),
                           capture_output=True, text=True, timeout=1200)
    assert setup.returncode == 0, f"python tools/setup_course.py failed:\n{tail(setup.stdout)}\n{tail(setup.stderr)}"
    python = setup_course.venv_python(clone / ".venv")

    listed = subprocess.run([python, "-m", "pip", "list", "--format=json"], capture_output=True, text=True, check=True)
    installed = {canon(p["name"]) for p in json.loads(listed.stdout)}
    assert not installed & DENYLIST, f"the learner's .venv holds test tooling: {sorted(installed & DENYLIST)}"
    missing = {"jupyterlab", "jupyterlab-myst", "torch", "lstm-cafe-companion"} - installed
    assert not missing, f"the learner's .venv lacks {sorted(missing)}"

    chapter = next(p for p in toc_notebooks() if p.startswith("notebooks/"))
    ran = subprocess.run([python, "-c", RUN_CHAPTER, chapter, WHERE], cwd=clone, capture_output=True, text=True,
                         env=clean_env(MPLBACKEND="Agg", COMPANION_PROGRESS="0"), timeout=600)
    assert ran.returncode == 0, f"{chapter} failed in the fresh clone's .venv:\n{tail(ran.stderr)}"
    where = ran.stdout.split("WHERE", 1)[1].split()
    assert Path(where[0]).is_relative_to(clone / ".venv"), f"the kernel ran {where[0]}, not the clone's .venv"
    assert Path(where[1]).resolve().is_relative_to(clone.resolve()), f"companion came from {where[1]}"

    again = subprocess.run([sys.executable, "tools/setup_course.py"], cwd=clone, env=clean_env(),
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "already done" in again.stdout, "a second run should skip the set-up"


def test_learners_get_the_lab_settings_that_render_every_cell(tmp_path):
    """Without them JupyterLab leaves the {eval} numbers of off-screen cells unrendered."""
    path = setup_course.install_lab_settings(tmp_path)
    assert path == tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    settings = json.loads(path.read_text())
    assert settings["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"
