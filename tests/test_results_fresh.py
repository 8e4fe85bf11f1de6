"""Every committed results table was produced by the code and data that are here now."""

import json
from pathlib import Path

import pytest

from companion.results import RESULTS_DIR, fingerprint

ROOT = Path(__file__).resolve().parent.parent
METAS = sorted((ROOT / RESULTS_DIR).glob("*.json"))


@pytest.mark.parametrize("meta_path", METAS, ids=[p.stem for p in METAS])
def test_results_are_fresh(meta_path):
    meta = json.loads(meta_path.read_text())
    assert (ROOT / RESULTS_DIR / f"{meta_path.stem}.csv").exists(), f"{meta_path.stem}.csv is missing"
    now = fingerprint(ROOT, meta["sources"])
    assert now == meta["fingerprint"], (
        f"benchmarks/results/{meta_path.stem} is stale: the code or data it was measured with changed "
        f"(sources: {', '.join(meta['sources'])}). Run `make bench` and commit the new results."
    )


def test_fingerprint_notices_a_change(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    before = fingerprint(tmp_path, ["a.py"])
    (tmp_path / "a.py").write_text("x = 2\n")
    assert fingerprint(tmp_path, ["a.py"]) != before
    assert fingerprint(tmp_path, ["missing.py"]).startswith("missing:")


def test_chapters_read_only_existing_results():
    """A chapter that loads a results table must find it committed."""
    import re

    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = notebook.read_text()
        for name in re.findall(r"load_result\(\\?[\"']([\w-]+)\\?[\"']", text):
            assert (ROOT / RESULTS_DIR / f"{name}.csv").exists(), (
                f"{notebook.name} loads results '{name}' but benchmarks/results/{name}.csv is not committed"
            )
