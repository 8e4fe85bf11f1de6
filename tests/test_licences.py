"""Licences, citation and the distribution name: present, consistent, and named on the landing page."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_code_licence_is_mit():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text
    assert pyproject()["license"] == "MIT"


def test_text_licence_is_cc_by_nc_and_says_why():
    text = (ROOT / "LICENSE-TEXT.md").read_text()
    assert "CC BY-NC 4.0" in text and "creativecommons.org/licenses/by-nc/4.0" in text
    assert "## Why non-commercial" in text and "李林" in text, "say why: the story is CC BY-NC 4.0"
    assert "book/data.md" in text, "point to the data's status"


def test_citation_file():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    for key in ("cff-version", "message", "title", "authors", "version", "license"):
        assert cff.get(key), f"CITATION.cff lacks {key}"
    assert cff["version"] == pyproject()["version"], "CITATION.cff and pyproject.toml disagree on the version"
    assert set(cff["license"]) == {"MIT", "CC-BY-NC-4.0"}


def test_distribution_name_is_our_own():
    # "companion" on the public index is an unrelated package; the import name stays companion.
    project = pyproject()
    assert project["name"] == "lstm-cafe-companion"
    assert set(project["license-files"]) == {"LICENSE", "LICENSE-TEXT.md"}


LANDING_NAMES = ["</LICENSE>", "</LICENSE-TEXT.md>", "</CITATION.cff>", "CC BY-NC 4.0", "MIT", "(data.md)"]


def test_landing_page_names_the_licences():
    text = (ROOT / "book" / "intro.md").read_text()
    missing = [name for name in LANDING_NAMES if name not in text]
    assert not missing, f"book/intro.md does not name {missing}"


@pytest.mark.book
def test_built_landing_page_links_the_licence_files():
    page = (HTML / "book" / "intro.html").read_text()
    for name in ("LICENSE", "LICENSE-TEXT.md", "CITATION.cff"):
        match = re.search(rf'href="([^"]*_downloads/[0-9a-f]+/{re.escape(name)})"', page)
        assert match, f"the landing page does not link {name}"
        assert (HTML / "book" / match.group(1)).resolve().exists(), f"{match.group(1)} is not in the build"


@pytest.mark.book
def test_built_pages_follow_the_system_colour_scheme():
    page = (HTML / "book" / "intro.html").read_text()
    assert 'data-theme="auto"' in page or 'data-mode="auto"' in page, "dark mode does not follow the system"
    assert "course.css" in page, "the dark-mode figure styles are not loaded"
