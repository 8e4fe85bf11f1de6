"""How long each chapter takes to execute, at the settings the reader sees.

Runs every notebook of the book top to bottom in a fresh kernel (as `make lab` or the book build
would) and records the wall time. The course's promise: each chapter under a minute on a 2-core CPU.
"""

import time
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient

import companion
from companion.results import find_repo_root, save_result

BUDGET_SECONDS = 60
ROOT = find_repo_root(Path(__file__).parent)


def chapters() -> list[str]:
    """The chapters, notebooks/NN_name.ipynb in their order, relative to the repository root.

    Read from the folder, not from _toc.yml, so that this script runs in the student download too
    (it ships notebooks/ and companion/, neither _toc.yml nor the tests); a test checks that the
    folder and the book's table of contents list the same chapters.
    """
    return [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - t0


def main() -> None:
    started = time.perf_counter()
    rows = []
    timed = chapters()
    for notebook in timed:
        seconds = run(ROOT / notebook)
        rows.append({"chapter": Path(notebook).stem, "seconds": round(seconds, 1),
                     "within_budget": seconds < BUDGET_SECONDS})
        print(f"{notebook:<40} {seconds:6.1f} s", flush=True)
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    sources = timed + sorted(str(p.relative_to(ROOT)) for p in (ROOT / "companion").rglob("*.py"))
    save_result("chapter_times", table, script=__file__, started=started,
                notes=f"device {companion.get_device()}; budget {BUDGET_SECONDS} s per chapter",
                extra_sources=sources)


if __name__ == "__main__":
    main()
