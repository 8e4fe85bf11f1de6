"""The two requirement sets: a learner's install holds no test or browser tooling, and is complete.

requirements.txt is what a learner installs (tools/setup_course.py, or pip); requirements-dev.txt
adds what `make test` needs. Both are exact pins.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LEARNER = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"
# Test, lint and browser tooling: none of it belongs on a learner's laptop.
DENYLIST = {"pytest", "nbval", "hypothesis", "ruff", "playwright", "coverage", "nbstripout",
            "pytest-timeout", "pytest-cov", "pytest-xdist", "iniconfig", "pluggy", "greenlet",
            "pyee", "mypy", "black", "flake8", "tox", "nox", "selenium", "pre-commit"}


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path: Path) -> dict[str, str]:
    """{name: version} of the `name==version` lines of `path`, following `-r other.txt`."""
    pins: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            pins.update(read_pins(path.parent / line[3:].strip()))
            continue
        name, sep, version = line.partition("==")
        assert sep and version and not re.search(r"[<>=!~*,;]", version), (
            f"{path.name}: '{raw}' is not an exact pin: write name==version")
        pins[canon(name)] = version.strip()
    return pins


def own_pins(path: Path) -> dict[str, str]:
    """The pins written in `path` itself, without those it includes."""
    included = {}
    for line in path.read_text().splitlines():
        if line.startswith("-r "):
            included.update(read_pins(path.parent / line[3:].strip()))
    return {k: v for k, v in read_pins(path).items() if k not in included}


def test_learner_set_has_no_test_or_browser_tooling():
    found = sorted(set(read_pins(LEARNER)) & DENYLIST)
    assert not found, f"requirements.txt (the learner's set) holds developer tooling: {found}; move it to requirements-dev.txt"


def test_dev_set_is_the_learner_set_plus_the_tooling():
    assert "-r requirements.txt" in DEV.read_text().splitlines(), "requirements-dev.txt must include requirements.txt"
    dev_only = own_pins(DEV)
    assert not set(dev_only) & set(read_pins(LEARNER)), "a package is pinned in both files"
    for tool in ("pytest", "nbval", "hypothesis", "ruff", "playwright", "nbstripout"):
        assert tool in dev_only, f"`make test` needs {tool}: pin it in requirements-dev.txt"


def test_torch_pin_is_exactly_the_course_build():
    # Any other spec makes pip fetch a multi-GB CUDA build on the course machines.
    assert read_pins(LEARNER)["torch"] == "2.13.0"


def _closure_missing(pins: dict[str, str]) -> dict[str, list[str]]:
    """Dependencies of the pinned packages (as installed here) that the pins do not cover."""
    missing: dict[str, list[str]] = {}
    for name in pins:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here: nothing to check it with
        for spec in requires:
            req = Requirement(spec)
            if req.marker and not req.marker.evaluate({"extra": ""}):
                continue
            if canon(req.name) not in pins and canon(req.name) not in {"setuptools", "wheel", "pip"}:
                missing.setdefault(name, []).append(req.name)
    return missing


def test_learner_set_is_complete():
    """Every dependency of a learner package is pinned too, so that pip resolves nothing itself."""
    missing = _closure_missing(read_pins(LEARNER))
    assert not missing, f"requirements.txt lacks dependencies of: {missing}"


def test_the_completeness_check_can_fail():
    pins = read_pins(LEARNER)
    del pins["mdurl"]  # markdown-it-py needs it
    assert "markdown-it-py" in _closure_missing(pins)


@pytest.mark.parametrize("path", [LEARNER, DEV], ids=["learner", "dev"])
def test_pins_match_this_environment(path):
    """The shared .venv was installed from these files: a pin that differs means the files drifted."""
    for name, version in own_pins(path).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{path.name} pins {name}=={version}, which is not installed: run `make setup`")
        assert installed.split("+")[0] == version, f"{name}: pinned {version}, installed {installed}"
