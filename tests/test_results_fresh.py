"""Every committed results table was produced by the code and data that are here now, and
freshness follows meaning: a docstring stales nothing, a function body stales exactly its users."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from companion import provenance
from companion.results import RESULTS_DIR, StaleResultError, is_fresh, load_result, stale_inputs

ROOT = Path(__file__).resolve().parent.parent
METAS = sorted((ROOT / RESULTS_DIR).glob("*.json"))
NAMES = [p.stem for p in METAS]


def _meta(name, root=ROOT):
    return json.loads((root / RESULTS_DIR / f"{name}.json").read_text())


def test_there_are_results_to_check():
    assert len(METAS) >= 10, "benchmarks/results/ lost its tables"


@pytest.mark.parametrize("name", NAMES)
def test_results_are_fresh(name):
    assert (ROOT / RESULTS_DIR / f"{name}.csv").exists(), f"{name}.csv is missing"
    changed = stale_inputs(name, ROOT)
    assert not changed, f"benchmarks/results/{name} is stale: {changed[:5]}. Run `make bench`."
    assert len(_meta(name)["depends_on"]) >= 3, "a provenance that records nothing checks nothing"


def _copy_what_the_results_read(tmp_path):
    """The results and every file their provenance names, in a scratch repository."""
    (tmp_path / RESULTS_DIR).mkdir(parents=True)
    for meta in METAS:
        shutil.copy(meta, tmp_path / RESULTS_DIR)
        shutil.copy(meta.with_suffix(".csv"), tmp_path / RESULTS_DIR)
        for key in json.loads(meta.read_text())["depends_on"]:
            rel = key.partition("::")[0]
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / rel, tmp_path / rel)
    return tmp_path


def _edit(path: Path, old: str, new: str):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_a_docstring_or_comment_change_stales_nothing(tmp_path):
    root = _copy_what_the_results_read(tmp_path)
    windows = root / "companion" / "windows.py"
    _edit(windows, '"""From a table of features', '"""(A typo fixed.) From a table of features')
    _edit(windows, "Scale each (stock, feature)", "Scale every (stock, feature)")
    _edit(windows, "# one NaN would", "# a single NaN would")
    assert windows.read_text() != (ROOT / "companion" / "windows.py").read_text()
    assert [n for n in NAMES if not is_fresh(n, root)] == []


def test_a_body_change_stales_exactly_the_results_that_ran_it(tmp_path):
    root = _copy_what_the_results_read(tmp_path)
    key = "companion/windows.py::Standardizer.fit"
    users = {n for n in NAMES if key in _meta(n)["depends_on"]}
    assert users and users != set(NAMES), "pick a function some but not all benchmarks ran"
    _edit(root / "companion" / "windows.py", "std = X.std(axis=(0, 2), keepdims=True)",
          "std = X.std(axis=(0, 2), keepdims=True, ddof=1)")
    assert {n for n in NAMES if not is_fresh(n, root)} == users
    name = sorted(users)[0]
    with pytest.raises(StaleResultError, match=r"Standardizer\.fit changed.*python -m benchmarks\."):
        load_result(name, root)


TOY = '''
def used():
    """Called by bench_a."""
    return 1


def unused():
    return 2
'''

BENCH = '''
import time
import pandas as pd
from companion import toy
from companion.results import save_result


def main():
    t0 = time.perf_counter()
    save_result("{name}", pd.DataFrame({{"x": [toy.{fn}()]}}), script=__file__, started=t0)


if __name__ == "__main__":
    main()
'''


def test_recording_sees_what_a_benchmark_called(tmp_path):
    """End to end: two scripts run as `make bench` runs them; each depends on what it called."""
    (tmp_path / "companion").mkdir()
    (tmp_path / "companion" / "__init__.py").write_text("")
    for module in ("provenance.py", "results.py"):
        shutil.copy(ROOT / "companion" / module, tmp_path / "companion" / module)
    (tmp_path / "companion" / "toy.py").write_text(TOY)
    shutil.copytree(ROOT / "benchmarks", tmp_path / "benchmarks",
                    ignore=shutil.ignore_patterns("*.py", "results"))
    shutil.copy(ROOT / "benchmarks" / "__init__.py", tmp_path / "benchmarks")
    (tmp_path / RESULTS_DIR).mkdir()
    for name, fn in (("bench_a", "used"), ("bench_b", "unused")):
        (tmp_path / "benchmarks" / f"{name}.py").write_text(BENCH.format(name=name, fn=fn))
        env = {**os.environ, "PYTHONPATH": str(tmp_path)}
        subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], cwd=tmp_path, env=env, check=True)
    assert "companion/toy.py::used" in _meta("bench_a", tmp_path)["depends_on"]
    assert "companion/toy.py::unused" not in _meta("bench_a", tmp_path)["depends_on"]
    toy = tmp_path / "companion" / "toy.py"
    _edit(toy, '"""Called by bench_a."""', '"""Called by bench_a only."""')
    assert is_fresh("bench_a", tmp_path) and is_fresh("bench_b", tmp_path)
    _edit(toy, "return 2", "return 3")
    assert is_fresh("bench_a", tmp_path) and not is_fresh("bench_b", tmp_path)
    with pytest.raises(StaleResultError, match=r"toy\.py::unused changed.*python -m benchmarks\.bench_b"):
        load_result("bench_b", tmp_path)


def test_a_file_changed_during_the_run_is_refused(tmp_path):
    """The hashes come from the files at save time: a merge during a run must not pass as the
    code that ran."""
    (tmp_path / "companion").mkdir()
    (tmp_path / "companion" / "__init__.py").write_text("")
    (tmp_path / "companion" / "toy.py").write_text(TOY)
    recorder = provenance.CallRecorder()
    recorder.started = 0.0  # as if the process began before the file was written
    saved, provenance._RECORDER = provenance._RECORDER, recorder
    try:
        with pytest.raises(RuntimeError, match=r"companion/toy\.py changed while this benchmark ran"):
            provenance.dependencies(tmp_path, scripts=[], extra=["companion/toy.py"])
        recorder.started = 2e9  # a process that started after the last edit
        assert "companion/toy.py::used" in provenance.dependencies(tmp_path, scripts=[],
                                                                      extra=["companion/toy.py"])
    finally:
        provenance._RECORDER = saved


def test_generated_code_is_not_taken_for_a_file(tmp_path):
    """torch compiles code under names like "<_remote_module_non_scriptable>.py": not a source."""
    recorder = provenance.CallRecorder().start()
    saved, provenance._RECORDER = provenance._RECORDER, recorder
    try:
        namespace = {}
        exec(compile("def generated():\n    return 1\n", "<generated_module>.py", "exec"), namespace)
        namespace["generated"]()
        recorder.stop()
        assert provenance.called_units(ROOT) == set() or all(
            "<generated_module>" not in key for key in provenance.called_units(ROOT))
        assert any(code.co_filename == "<generated_module>.py" for code in recorder.codes)
    finally:
        provenance._RECORDER = saved


def test_the_recording_code_is_no_input(tmp_path):
    keys = provenance.dependencies(ROOT, scripts=[], extra=["companion/results.py", "companion/metrics.py"])
    assert not [k for k in keys if k.startswith(("companion/results.py", "companion/provenance.py"))]
    assert any(k.startswith("companion/metrics.py::") for k in keys)


def test_units_ignore_docstrings_and_comments_only(tmp_path):
    path = tmp_path / "m.py"
    path.write_text('"""Doc."""\nK = 1\n\n\ndef f(x):\n    """Doc."""\n    return x + K  # why\n')
    before = provenance.python_units(path)[0]
    path.write_text('"""Other doc."""\nK = 1\n\n\ndef f(x):\n    return x + K\n')
    assert provenance.python_units(path)[0] == before
    path.write_text('"""Doc."""\nK = 2\n\n\ndef f(x):\n    return x + K\n')
    after = provenance.python_units(path)[0]
    assert after["f"] == before["f"] and after["<module>"] != before["<module>"]


def test_chapters_read_only_existing_results():
    """A chapter that loads a results table must find it committed."""
    import re

    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = notebook.read_text()
        for name in re.findall(r"load_result\(\\?[\"']([\w-]+)\\?[\"']", text):
            assert (ROOT / RESULTS_DIR / f"{name}.csv").exists(), (
                f"{notebook.name} loads results '{name}' but benchmarks/results/{name}.csv is not committed"
            )
