"""Results of the heavy experiments: written by `benchmarks/`, read by the chapters.

A chapter runs a small live instance of each experiment; the full grid (many seeds, many
configurations) runs in `make bench` and lands in ``benchmarks/results/<name>.csv`` with a
``<name>.json`` beside it that records the command, the machine, the run time and a *fingerprint*:
a hash of every source file the run imported from `companion`, of the benchmark script, and of the
shipped data. A test recomputes the fingerprints, so a table can never silently go stale.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import pandas as pd

RESULTS_DIR = Path("benchmarks") / "results"


class StaleResultError(RuntimeError):
    """A results table was produced by code that has since changed."""


def find_repo_root(start: Path | None = None) -> Path:
    """The course repository's root: the first folder upwards holding ``benchmarks/results``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / RESULTS_DIR).is_dir():
            return folder
    raise FileNotFoundError(
        f"No benchmarks/results folder above {here}. Run the notebooks from inside the course "
        "repository (e.g. `make lab`), where benchmarks/results/ holds the measured tables."
    )


def _source_files(root: Path, scripts: list[Path]) -> list[Path]:
    """Every file whose content the results depend on, as paths relative to the root."""
    files = {p.resolve() for p in scripts}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if (name == "companion" or name.startswith("companion.")) and path:
            files.add(Path(path).resolve())
    data = root / "companion" / "data"
    if data.is_dir():
        files.update(p.resolve() for p in data.rglob("*.csv"))
    return sorted(p.relative_to(root) for p in files)


def fingerprint(root: Path, sources: list[str | Path]) -> str:
    """SHA-256 over the names and contents of ``sources`` (paths relative to ``root``)."""
    digest = hashlib.sha256()
    for rel in sorted(str(s) for s in sources):
        path = root / rel
        if not path.exists():
            return f"missing:{rel}"
        digest.update(rel.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def save_result(name: str, table: pd.DataFrame, *, script: str | Path, started: float,
                notes: str = "", extra_sources: list[str | Path] = (), root: Path | None = None) -> Path:
    """Write ``table`` to ``benchmarks/results/<name>.csv`` and its provenance to ``<name>.json``.

    Call it at the end of a benchmark script, after every module it needs has been imported:
    the fingerprint covers the `companion` modules loaded at that moment, plus ``extra_sources``
    (paths relative to the root, e.g. notebooks run in another process).
    """
    import torch  # imported here so that reading results does not need torch

    root = root or find_repo_root(Path(script).parent)
    out = root / RESULTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    sources = sorted(set(_source_files(root, [Path(script)])) | {Path(p) for p in extra_sources})
    meta = {
        "name": name,
        "command": "make bench  (or: python -m benchmarks." + Path(script).stem + ")",
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                   f"{torch.get_num_threads()} torch threads, "
                   f"{'CUDA ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU'}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "seconds": round(time.perf_counter() - started, 1),
        "written": time.strftime("%Y-%m-%d %H:%M:%S"),
        "notes": notes,
        "sources": [str(s) for s in sources],
        "fingerprint": fingerprint(root, sources),
    }
    table.to_csv(out / f"{name}.csv", index=False)
    (out / f"{name}.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    return out / f"{name}.csv"


def result_meta(name: str, root: Path | None = None) -> dict:
    """The provenance record of a results table (command, machine, run time, fingerprint)."""
    root = root or find_repo_root()
    path = root / RESULTS_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `make bench` to produce it.")
    return json.loads(path.read_text())


def is_fresh(name: str, root: Path | None = None) -> bool:
    """True when the code and data that produced the table are unchanged since it was written."""
    root = root or find_repo_root()
    meta = result_meta(name, root)
    return fingerprint(root, meta["sources"]) == meta["fingerprint"]


def load_result(name: str, root: Path | None = None) -> pd.DataFrame:
    """Read ``benchmarks/results/<name>.csv``; refuses a table whose code has changed since."""
    root = root or find_repo_root()
    if not is_fresh(name, root):
        raise StaleResultError(
            f"benchmarks/results/{name}.csv was produced by code that has changed since. "
            "Run `make bench` to measure it again."
        )
    return pd.read_csv(root / RESULTS_DIR / f"{name}.csv")
