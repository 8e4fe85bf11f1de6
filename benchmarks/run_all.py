"""`make bench`: run every benchmark script, then time the chapters, and report.

Each `benchmarks/<name>.py` runs in its own process (so that each measures a fresh interpreter)
and writes its table to `benchmarks/results/`. The chapter timings run last because they execute
every notebook of the book.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAST = ["chapter_times"]  # needs the others' results, since chapters read them


def scripts() -> list[str]:
    names = sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_") and p.stem != "run_all")
    return [n for n in names if n not in LAST] + [n for n in LAST if n in names]


def main(only: list[str] | None = None) -> None:
    failed = []
    for name in only or scripts():
        t0 = time.perf_counter()
        print(f"== benchmarks.{name}", flush=True)
        code = subprocess.call([sys.executable, "-m", f"benchmarks.{name}"], cwd=HERE.parent)
        print(f"== benchmarks.{name}: {'ok' if code == 0 else f'FAILED ({code})'} in {time.perf_counter() - t0:.0f} s\n", flush=True)
        if code:
            failed.append(name)
    if failed:
        sys.exit(f"These benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv[1:] or None)
