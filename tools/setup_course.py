"""Set up the course without `make`, on Windows, macOS or Linux (standard library only).

    python tools/setup_course.py            # create .venv, install the learner's set and `companion`
    python tools/setup_course.py lab        # ... then open JupyterLab on the chapters
    python tools/setup_course.py book       # ... then build the book into _build/html
    python tools/setup_course.py student    # ... then write student copies (no solutions) to student/
    python tools/setup_course.py lab-settings DIR   # only write the JupyterLab settings into the env DIR

On Windows (PowerShell) type `py -3.11 tools\\setup_course.py` instead of `python ...`; on macOS and
Linux `python3.11 tools/setup_course.py`. Every command sets up first and skips what is already done.

PyTorch (`--torch`):
  auto  (default) the CPU build. Where pip would fetch the CUDA build (Linux, from the public index,
        several GB), it takes the CPU wheel from PyTorch's CPU index instead (about 200 MB).
  cpu   always PyTorch's CPU wheel.
  cuda  the CUDA build: on Linux the public index's torch; on Windows give PyTorch's index for your
        CUDA version with --torch-index (see pytorch.org, "Get started").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
MARKER = VENV / ".setup-course.json"
TORCH = "torch==2.13.0"  # the pin of requirements.txt
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
# What a learner's run must not inherit from a test run.
TEST_ONLY = ("MPLBACKEND", "COMPANION_PROGRESS")


# JupyterLab settings every learner gets, written into the environment as overrides.json:
# - JupyterLab 4 attaches only the cells on screen, and jupyterlab-myst computes the {eval} numbers
#   of a markdown cell only while it is attached: with that virtualisation, a long chapter's prose
#   keeps raw expressions after Run All. Attaching every cell costs a little memory, nothing else.
# - No news fetch: a workshop room may be offline, and the question pops up over the chapter.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"},
}


def install_lab_settings(prefix: Path = VENV) -> Path:
    """Write LAB_SETTINGS to ``prefix``/share/jupyter/lab/settings/overrides.json; return its path."""
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(LAB_SETTINGS, indent=2) + "\n")
    return path


class SetupError(RuntimeError):
    """A set-up step failed; the message says what to do."""


def venv_python(venv_dir: Path = VENV, windows: bool = os.name == "nt") -> Path:
    """The virtual environment's interpreter (Scripts\\python.exe on Windows, bin/python elsewhere)."""
    if windows:
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def run(cmd: list, **kwargs) -> None:
    """Run `cmd`, echoing it; a failure becomes a SetupError that names the command."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=kwargs.pop("cwd", ROOT), **kwargs)
    if result.returncode != 0:
        raise SetupError(f"this step failed (exit code {result.returncode}): {' '.join(map(str, cmd))}\n"
                         "Read the lines above for pip's or Python's reason, fix it, and run the same command again.")


def check_python() -> None:
    # The learner may run this with any Python: say which one is needed rather than fail later.
    if sys.version_info < (3, 11):  # noqa: UP036
        raise SetupError(
            f"Python 3.11 is needed, this is {sys.version.split()[0]}. Install Python 3.11 and run "
            "`py -3.11 tools\\setup_course.py` (Windows) or `python3.11 tools/setup_course.py` (macOS, Linux).")
    if sys.version_info[:2] != (3, 11):
        print(f"Note: the pins were resolved on Python 3.11; this is {sys.version.split()[0]}. "
              "If pip finds no matching wheel, use Python 3.11.", flush=True)


def fingerprint(torch_choice: str) -> str:
    """What the installed .venv depends on: the pins, the package metadata and the torch choice."""
    digest = hashlib.sha256(torch_choice.encode())
    for path in (REQUIREMENTS, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pip_would_fetch_cuda(python: Path) -> bool:
    """True when plain `pip install torch==...` on this machine would pick a CUDA build."""
    out = subprocess.run([str(python), "-m", "pip", "install", "--dry-run", "--ignore-installed",
                          "--quiet", "--report", "-", TORCH], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SetupError(f"pip could not find {TORCH}:\n{out.stderr.strip()}\n"
                         "Check the network (or your pip index settings) and run again.")
    names = [item["metadata"]["name"].lower() for item in json.loads(out.stdout)["install"]]
    versions = [item["metadata"]["version"] for item in json.loads(out.stdout)["install"]
                if item["metadata"]["name"].lower() == "torch"]
    return any(n.startswith("nvidia-") for n in names) or any("+cu" in v for v in versions)


def installed_version(python: Path, name: str) -> str | None:
    out = subprocess.run([str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
                         capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else None


def install_torch(python: Path, choice: str, index: str | None) -> None:
    """Install the torch build first, so that requirements.txt finds its pin already satisfied."""
    have = installed_version(python, "torch")
    if choice == "cuda":
        if sys.platform == "darwin":
            raise SetupError("macOS has no CUDA builds of PyTorch: leave out --torch cuda (Apple GPUs "
                             "are used through the default build).")
        if not index and sys.platform != "linux":
            raise SetupError("On Windows a CUDA build of PyTorch comes from PyTorch's own index: add "
                             "--torch-index https://download.pytorch.org/whl/cuXXX, with cuXXX the CUDA "
                             "version that pytorch.org lists for your driver (e.g. cu126).")
        if have and "+cpu" in have:  # switching builds: pip would keep the CPU one
            run([python, "-m", "pip", "uninstall", "--yes", "torch"])
        # Linux: the public index's torch is the CUDA build, with its nvidia-* libraries.
        run([python, "-m", "pip", "install", *(["--index-url", index] if index else []), TORCH])
        return
    if choice == "cpu" or pip_would_fetch_cuda(python):
        print("Installing PyTorch's CPU build (pass --torch cuda for the CUDA build).", flush=True)
        switch = ["--force-reinstall"] if have and "+cpu" not in have else []
        run([python, "-m", "pip", "install", "--no-deps", *switch, "--index-url", index or CPU_INDEX, TORCH])


def setup(torch_choice: str = "auto", torch_index: str | None = None) -> Path:
    """Create .venv with the learner's pinned set and the package; skipped when already done."""
    check_python()
    python = venv_python()
    stamp = fingerprint(torch_choice)
    if python.exists() and MARKER.exists() and json.loads(MARKER.read_text()).get("stamp") == stamp:
        print(f"Set-up already done: {VENV} is up to date.", flush=True)
        return python
    if not python.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    install_torch(python, torch_choice, torch_index)
    run([python, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS])
    # Editable: the chapters read the package's sources (and a learner may change them).
    run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", ROOT])
    install_lab_settings(VENV)
    MARKER.write_text(json.dumps({"stamp": stamp, "torch": torch_choice}))
    print(f"Set-up done: {VENV} holds the learner's requirements and the companion package.", flush=True)
    return python


def learner_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env.setdefault("PYTHONHASHSEED", "0")  # the same fixed seed as `make`
    return env


def need(path: str, what: str) -> None:
    if not (ROOT / path).exists():
        raise SetupError(f"{what} needs {path}, which this folder does not have: run it in the course "
                         "repository (a clone of it), not in the student download.")


def lab(python: Path) -> None:
    cmd = [python, "-m", "jupyterlab", "notebooks"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Note: you are root; JupyterLab needs --allow-root (fine in a container of your own).")
        cmd.append("--allow-root")
    run(cmd, env=learner_env())


def book(python: Path) -> None:
    """Both editions, as `make book`: English into _build/html, Chinese into _build/html/zh."""
    run([python, "-m", "tools.student_kit"], env=learner_env())
    run([python, "-m", "tools.student_kit", str(ROOT / "_build" / "kit" / "zh" / "lstm-cafe-student.zip"), "zh"],
        env=learner_env())
    run([python, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
         "build", ".", "--builder", "html", "-W", "-n", "--keep-going"], env=learner_env())
    run([python, "-m", "tools.zh_edition", "build"], env=learner_env())
    print(f"The book is at {(ROOT / '_build' / 'html' / 'index.html').as_uri()} "
          f"(中文版: {(ROOT / '_build' / 'html' / 'zh' / 'index.html').as_uri()})")


def student(python: Path) -> None:
    run([python, "-m", "tools.make_student", "notebooks", "student"], env=learner_env())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("task", nargs="?", default="setup",
                        choices=["setup", "lab", "book", "student", "lab-settings"])
    parser.add_argument("prefix", nargs="?", type=Path, default=VENV,
                        help="lab-settings only: the environment to write the settings into")
    parser.add_argument("--torch", choices=["auto", "cpu", "cuda"], default="auto",
                        help="which PyTorch build to install (default: auto, the CPU build)")
    parser.add_argument("--torch-index", metavar="URL", help="the package index to take torch from")
    args = parser.parse_args(argv)
    if args.task == "lab-settings":  # used by `make setup`
        print(f"JupyterLab settings written to {install_lab_settings(args.prefix)}")
        return 0
    try:
        if args.task == "book":  # refuse before a long set-up, e.g. in the student download
            need("_toc.yml", "Building the book")
        if args.task == "student":
            need("tools/make_student.py", "Making student copies")
        python = setup(args.torch, args.torch_index)
        {"setup": lambda p: None, "lab": lab, "book": book, "student": student}[args.task](python)
    except SetupError as err:
        print(f"\nSet-up stopped: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
