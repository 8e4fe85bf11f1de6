"""Results of the heavy experiments: written by `benchmarks/`, read by the chapters.

A chapter runs a small live instance of each experiment; the full grid (many seeds, many
configurations) runs in `make bench` and lands in ``benchmarks/results/<name>.csv`` with a
``<name>.json`` beside it that records the command, the machine, the run time and what the result
depends on (`companion.provenance`): each function the run called, hashed without its docstring,
the code of each module it imported outside its functions, and the data files. A result is stale
when one of those changed meaning, and then `load_result` refuses it and names the one script
to rerun.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from pathlib import Path

import pandas as pd

from companion import provenance

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


def _data_files(root: Path) -> list[Path]:
    data = root / "companion" / "data"
    return sorted(data.rglob("*.csv")) if data.is_dir() else []


def fingerprint(depends_on: dict[str, str]) -> str:
    """One hash over a result's whole provenance (shown in the results page; freshness is decided
    unit by unit, see `stale_inputs`)."""
    return hashlib.sha256(json.dumps(depends_on, sort_keys=True).encode()).hexdigest()


def save_result(name: str, table: pd.DataFrame, *, script: str | Path, started: float,
                notes: str = "", extra_sources: list[str | Path] = (), root: Path | None = None) -> Path:
    """Write ``table`` to ``benchmarks/results/<name>.csv`` and its provenance to ``<name>.json``.

    Call it at the end of a benchmark script. The provenance covers every function the process
    called since `provenance.record_calls()` (the `benchmarks` package starts it), the `companion`
    modules loaded, the shipped data, plus ``extra_sources`` (paths relative to the root, e.g.
    notebooks run in another process: every unit of those files counts).
    """
    import torch  # imported here so that reading results does not need torch

    root = root or find_repo_root(Path(script).parent)
    out = root / RESULTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    depends_on = provenance.dependencies(root, scripts=[Path(script)], extra=list(extra_sources),
                                         data=_data_files(root))
    meta = {
        "name": name,
        "command": "make bench  (or: python -m benchmarks." + Path(script).stem + ")",
        "script": f"benchmarks/{Path(script).name}",
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                   f"{torch.get_num_threads()} torch threads, "
                   f"{'CUDA ' + torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU'}",
        "python": platform.python_version(),
        "torch": torch.__version__,
        "seconds": round(time.perf_counter() - started, 1),
        "written": time.strftime("%Y-%m-%d %H:%M:%S"),
        "notes": notes,
        "fingerprint": fingerprint(depends_on),
        "depends_on": depends_on,
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


def stale_inputs(name: str, root: Path | None = None) -> list[str]:
    """The functions, module code and data files behind a results table that changed since it was
    written (``path::function``, ``path::<module>`` or a data path); empty when it is fresh."""
    root = root or find_repo_root()
    meta = result_meta(name, root)
    if "depends_on" not in meta:
        return ["(a provenance record of an older format)"]
    return provenance.stale_units(root, meta["depends_on"])


def is_fresh(name: str, root: Path | None = None) -> bool:
    """True when nothing the table was measured with has changed meaning since it was written."""
    return not stale_inputs(name, root)


def stale_message(name: str, root: Path | None = None) -> str:
    """Why a table is stale and the one command that measures it again (with its last run time)."""
    root = root or find_repo_root()
    meta, changed = result_meta(name, root), stale_inputs(name, root)
    script = Path(meta.get("script", f"benchmarks/{name}.py")).stem
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return (f"benchmarks/results/{name}.csv is stale: {shown} changed since it was measured. "
            f"Rerun `python -m benchmarks.{script}` (it took {meta.get('seconds', '?')} s last "
            f"time on {meta.get('machine', 'an unknown machine')}), then commit "
            f"benchmarks/results/. `make bench` reruns every benchmark.")


def load_result(name: str, root: Path | None = None) -> pd.DataFrame:
    """Read ``benchmarks/results/<name>.csv``; refuses a table whose code has changed since."""
    root = root or find_repo_root()
    if not is_fresh(name, root):
        raise StaleResultError(stale_message(name, root))
    return pd.read_csv(root / RESULTS_DIR / f"{name}.csv")
