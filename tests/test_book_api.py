"""The API reference page (book/api.md) as built, and the chapters' links to it, in both editions.

Run by `make book-check`. Chromium checks the page too (tests/browser/test_pages.py).
"""

import re
import sys

import pytest

from tests.nbval_guard import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from api_names import public_entries  # noqa: E402

pytestmark = pytest.mark.book

HTML = ROOT / "_build" / "html"
EDITIONS = ["", "zh/"]
# A link the chapters' literals become: <a class="reference internal" href="../book/api.html#companion.train.fit"
# ...><code class="... api-link ...">
API_LINK = re.compile(r'<a class="reference internal" href="([^"#]*api\.html)#([^"]+)"[^>]*><code class="[^"]*\bapi-link\b')


def _ids(page) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_api_page_documents_every_public_name(edition):
    ids = _ids(HTML / edition / "book" / "api.html")
    missing = [e.path for e in public_entries() if e.path not in ids]
    assert not missing, f"{edition or 'en/'}book/api.html has no entry for {missing}"


def _links(edition: str) -> dict[str, list[tuple[str, str]]]:
    """page -> [(api page href, entry id)] for every chapter and page of the edition."""
    found = {}
    for page in sorted((HTML / edition).glob("*/**/*.html")):
        if "_static" in page.parts or (not edition and "zh" in page.relative_to(HTML).parts):
            continue
        links = API_LINK.findall(page.read_text(encoding="utf-8"))
        if links:
            found[page] = links
    return found


@pytest.mark.parametrize("edition", EDITIONS)
def test_chapters_link_the_first_mention_of_a_name_to_its_entry(edition):
    links = _links(edition)
    chapter = HTML / edition / "notebooks" / "00_basics.html"
    assert ("companion.train.fit" in {target for _, target in links.get(chapter, [])}), \
        f"{chapter.relative_to(HTML)} does not link `fit` to its API entry"
    for page, page_links in links.items():
        targets = [target for _, target in page_links]
        assert len(targets) == len(set(targets)), f"{page.name} links a name more than once: {targets}"
        for href, target in page_links:
            api_page = (page.parent / href).resolve()
            assert api_page == (HTML / edition / "book" / "api.html").resolve(), f"{page.name} links {href}"
            assert target in _ids(api_page), f"{page.name} links {href}#{target}, which the page lacks"


def test_the_chinese_api_page_has_a_chinese_title_and_says_the_reference_is_english():
    text = (HTML / "zh" / "book" / "api.html").read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)<", text).group(1)
    assert re.search(r"[\u4e00-\u9fff]", title), f"the Chinese API page's title is {title!r}"
    assert "英文" in text, "the Chinese API page does not say that the reference is in English"


@pytest.mark.parametrize("edition", EDITIONS)
def test_signatures_read_as_python(edition):
    """An entry's signature shows its parameters in order (a "translatable" mark on its parts once
    printed prepare(source, =configNone, changes**))."""
    text = (HTML / edition / "book" / "api.html").read_text(encoding="utf-8")
    entry = re.search(r'<dt class="sig sig-object py" id="companion.recipe.prepare">(.*?)</dt>', text, re.DOTALL)
    shown = re.sub(r"<[^>]+>", "", entry.group(1)).replace("#", "").strip()
    assert shown == "prepare(source, config=None, **changes)", f"{edition}book/api.html shows {shown!r}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_names_in_docstrings_show_as_code_linked_to_their_entries(edition):
    """A name a docstring writes in single backticks (`batch_proba`) is code, and a link when it
    names a public object or module; reST alone would set it in italics (<cite>), unlinked."""
    text = (HTML / edition / "book" / "api.html").read_text(encoding="utf-8")
    italics = re.findall(r"<cite>([^<]*)</cite>", text)
    assert not italics, f"{edition}book/api.html sets {len(italics)} names in italics: {italics[:10]}"
    entry = text[text.index('id="companion.predict.predict_proba"'):]
    entry = entry[:entry.index("</dd>")]
    assert re.search(r'<a class="reference internal" href="#companion.predict.batch_proba"[^>]*><code', entry), \
        f"{edition}book/api.html: predict_proba's docstring does not link `batch_proba` to its entry"
    assert re.search(r'href="#module-companion.metrics"[^>]*><code class="xref py py-mod', text), \
        f"{edition}book/api.html: no docstring links `companion.metrics` to its section"


# A field of an entry's parameter list: <strong>NAME</strong>, then " (<em>TYPE</em>)" when a type is given.
FIELD_NAME = re.compile(r'<dl class="field-list[^"]*">.*?</dl>', re.DOTALL)
NAME_LIST = re.compile(r"^\*{0,2}[A-Za-z_]\w*(?:, \*{0,2}[A-Za-z_]\w*)*$")
# A type annotation as Sphinx prints it: float, pandas.DataFrame | None, tuple[str, …] | None.
TYPE = re.compile(r"^[\w.]+(?:\[[\w., …]+\])?(?: \| [\w.]+(?:\[[\w., …]+\])?)*$")


@pytest.mark.parametrize("edition", EDITIONS)
def test_parameter_lists_read_as_the_docstrings_meant(edition):
    """Napoleon reads numpy's layout; the package's docstrings write ``name : what it is`` and prose
    Returns. Misread, a sentence became a parameter name, a description became a type, and the
    text after a section ran into it: every field name here is a name, every type shown is a type
    (from annotations; the docstrings give none) and no ``markup`` is left raw."""
    text = (HTML / edition / "book" / "api.html").read_text(encoding="utf-8")
    fields = "".join(FIELD_NAME.findall(text))
    names = [re.sub(r"<[^>]+>", "", n) for n in re.findall(r"<strong>(.*?)</strong>", fields)]
    assert len(names) > 50, f"{edition}book/api.html: only {len(names)} parameters found"
    not_names = [n for n in names if not NAME_LIST.match(n)]
    assert not not_names, f"{edition}book/api.html: parameter names that are text: {not_names[:5]}"
    # Types come only from a dataclass's annotations (Policy.threshold: float | None).
    types = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"</strong> \(<em>(.*?)</em>\)", fields)]
    not_types = [t for t in types if not TYPE.match(t)]
    assert not not_types, f"{edition}book/api.html: descriptions shown as types: {not_types[:5]}"
    article = re.sub(r"<[^>]+>", "", text[text.find("<article"):text.rfind("</article>")])
    raw = [article[max(0, m.start() - 30):m.end() + 30] for m in re.finditer("``", article)]
    assert not raw, f"{edition}book/api.html: reST markup shown as text: {raw[:3]}"
