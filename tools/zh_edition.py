"""The Chinese edition (中文版): built from the English sources and the catalogs in locales/.

    python -m tools.zh_edition stage      # _build/zh/src: the book's sources, chapters as executed
    python -m tools.zh_edition sync       # make translation: locales/zh_CN/*.po merged from the
                                          # English sources (nothing executed), checked; student-zh/
    python -m tools.zh_edition build      # the Chinese book into _build/html/zh/

Both editions show the numbers of one execution. The English build executes every chapter (inline,
so that the prose's {eval} roles read the kernel) and records each role's text
(book/_ext/editions.py). The Chinese build reads the chapters as that build wrote them, outputs
included, with execution off, and its {eval} roles replay the recorded text. Nothing runs twice.

The catalogs are Sphinx gettext catalogs, one per page (gettext_compact off), kept in step with the
English sources by sphinx-intl; `tests/test_zh_edition.py` fails on a stale or missing
translation, and so does the Chinese build.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from companion.prose import translate_tally
from tools import po_check, translate_notebook
from tools.student_kit import toc_files
from tools.translate_notebook import EVAL_ROLE, WORD, verdict_literals

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
EXECUTED = BUILD / "jupyter_execute"   # where the English build writes the executed chapters
STAGE = BUILD / "zh" / "src"
LOCALES = ROOT / "locales"
LANGUAGE = "zh_CN"
OUT = BUILD / "html" / "zh"
TITLE_ZH = "网吧里的 LSTM"
RECORDED = BUILD / "editions" / "eval.json"   # written by the English build (book/_ext/editions.py)
# Chinese search: Sphinx indexes Chinese only through the jieba segmenter, whose general dictionary
# splits the course's terms (过拟合 -> 过 / 拟合), so a search for the whole term found nothing.
# The segmenter also learns every Chinese term of the glossary and the words listed here.
SEARCH_TERMS = LOCALES / "zh_CN" / "search_terms.txt"
SEARCH_DICT = BUILD / "zh" / "search_dict.txt"
SEARCH_BAR_ZH = "搜索本书……"
CATALOG_DIR = LOCALES / LANGUAGE / "LC_MESSAGES"
VALUES = "values"   # the catalog of the words {eval} roles print: locales/zh_CN/LC_MESSAGES/values.po
# What the Chinese build reads besides the pages themselves.
SHARED = ["_toc.yml", "book/_ext", "book/_static", "book/references.bib", "LICENSE", "LICENSE-TEXT.md", "CITATION.cff"]


def pages() -> list[str]:
    """The pages of _toc.yml, e.g. "book/intro", "notebooks/02_baseline"."""
    return toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))


def _source_of(page: str) -> Path:
    for suffix in (".md", ".ipynb"):
        if (ROOT / (page + suffix)).exists():
            return ROOT / (page + suffix)
    raise SystemExit(f"_toc.yml lists {page}, but neither {page}.md nor {page}.ipynb exists.")


def zh_config(translate: bool = True) -> dict:
    """The English _config.yml, switched to Chinese, execution off and the catalogs in locales/.

    translate=False: the same without the catalogs, to extract the English messages (with them,
    Sphinx would hand the extraction some messages already translated, e.g. a figure's alt text).
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["title"] = TITLE_ZH
    config["execute"]["execute_notebooks"] = "off"
    sphinx = config["sphinx"]["config"]
    # The gettext builder reads the outputs as the html builder shows them, so that the alt text of
    # every figure is extracted (myst-nb's gettext default keeps text outputs only).
    html_priority = ["application/vnd.jupyter.widget-view+json", "application/javascript", "text/html",
                     "image/svg+xml", "image/png", "image/gif", "image/jpeg", "text/markdown", "text/latex", "text/plain"]
    sphinx["nb_mime_priority_overrides"] = [["gettext", mime, 10 * (rank + 1)] for rank, mime in enumerate(html_priority)]
    sphinx.update(language=LANGUAGE if translate else "en", locale_dirs=[str(LOCALES)] if translate else [],
                  gettext_compact=False,
                  gettext_uuid=False, gettext_location=False,
                  editions_eval_values=str(RECORDED), html_search_options={"dict": str(SEARCH_DICT)})
    # sphinx-book-theme's Chinese catalog has no "Search": its search box would say "Search...".
    sphinx.setdefault("html_theme_options", {})["search_bar_text"] = SEARCH_BAR_ZH
    return config


def search_dictionary() -> list[str]:
    """The course's Chinese terms for the search segmenter: the glossary's and SEARCH_TERMS'."""
    glossary = re.findall(r"\(([\u4e00-\u9fff]{2,})\)", (ROOT / "book" / "glossary.md").read_text())
    listed = [w.strip() for w in SEARCH_TERMS.read_text().splitlines() if w.strip() and not w.startswith("#")]
    return sorted(set(glossary) | set(listed))


def write_search_dictionary() -> Path:
    SEARCH_DICT.parent.mkdir(parents=True, exist_ok=True)
    SEARCH_DICT.write_text("".join(f"{term} 1000 n\n" for term in search_dictionary()))  # jieba's "word freq tag"
    return SEARCH_DICT


def as_rendered(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The executed chapter with its outputs as the English page shows them.

    With nb_merge_streams, myst-nb merges a cell's stdout (and stderr) into its first stream output
    in place while rendering, and then saves the executed copy with the later streams still in it.
    Read again, the copy would show those lines twice; the first stream of each name already holds
    them all.
    """
    for cell in nb.cells:
        if cell.cell_type == "code":
            seen: set[str] = set()
            kept = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    if output["name"] in seen:
                        continue
                    seen.add(output["name"])
                kept.append(output)
            cell.outputs = kept
    return nb


# A 1x1 white PNG: what an unexecuted figure cell shows while its messages are extracted.
PLACEHOLDER_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAsTj2FAAAAABJRU5ErkJggg=="


def with_placeholder_figures(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The unexecuted chapter, each figure cell given a placeholder image as its only output.

    A figure's caption and alt text live in its cell's metadata (mystnb.figure, mystnb.image), but
    myst-nb renders them, and Sphinx extracts them, only beside an image output. Every other
    message of a chapter is in its Markdown cells: so the chapter's messages are extracted without
    executing it, and a changed sentence is in the catalogs within seconds.
    """
    image = nbformat.v4.new_output("display_data", data={"image/png": PLACEHOLDER_PNG, "text/plain": "<Figure>"})
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [image] if {"figure", "image"} & set(cell.metadata.get("mystnb", {})) else []
    return nb


def _staged_notebook(page: str, executed: bool) -> nbformat.NotebookNode:
    if executed:
        return as_rendered(nbformat.read(EXECUTED / (page + ".ipynb"), as_version=4))
    return with_placeholder_figures(nbformat.read(_source_of(page), as_version=4))


def stage(translate: bool = True, executed: bool = True) -> Path:
    """_build/zh/src: every page of _toc.yml, the chapters as the English build executed them.

    executed=False: the chapters as their sources, figures as placeholders (enough to extract the
    messages; no English build needed).
    """
    missing = [p for p in pages() if _source_of(p).suffix == ".ipynb" and not (EXECUTED / (p + ".ipynb")).exists()]
    if missing and executed:
        raise SystemExit(f"No executed copy of {', '.join(missing)} in {EXECUTED.relative_to(ROOT)}/: "
                         "build the English book first (make book).")
    shutil.rmtree(STAGE, ignore_errors=True)
    for page in pages():
        source = _source_of(page)
        target = STAGE / (page + source.suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".ipynb":
            nbformat.write(_staged_notebook(page, executed), target)
        else:
            shutil.copy2(source, target)
    for shared in SHARED:
        origin, target = ROOT / shared, STAGE / shared
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    # The pages link the student download at /_build/kit/lstm-cafe-student.zip: in the Chinese
    # edition that path holds the Chinese student copies (make's _build/kit/zh/, tools.student_kit).
    # Copied, not linked: a link needs rights Windows does not give by default.
    kit = BUILD / "kit" / "zh" / "lstm-cafe-student.zip"
    if kit.exists():
        (STAGE / "_build" / "kit").mkdir(parents=True)
        shutil.copy2(kit, STAGE / "_build" / "kit" / kit.name)
    (STAGE / "_config.yml").write_text(yaml.safe_dump(zh_config(translate), allow_unicode=True, sort_keys=False))
    return STAGE


def _jupyter_book(*args: str) -> None:
    # Through this Python, as tools/setup_course.py does: no script path to guess on Windows.
    subprocess.run([sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
                    "build", str(STAGE), *args], check=True)


def extract(pot: Path = BUILD / "zh" / "gettext") -> Path:
    """The English messages as gettext templates in `pot`: one .pot per page, and values.pot.
    Nothing is executed: the chapters are read as their sources (stage(executed=False))."""
    stage(translate=False, executed=False)
    scratch = pot.parent / f"{pot.name}-out"
    shutil.rmtree(pot, ignore_errors=True)
    shutil.rmtree(scratch, ignore_errors=True)
    # -qq: only the messages matter here; the English build (-W) reports the pages' warnings.
    _jupyter_book("--path-output", str(scratch), "--builder", "custom", "--custom-builder", "gettext", "-qq")
    shutil.move(scratch / "_build" / "gettext", pot)
    shutil.rmtree(scratch)
    write_values_pot(pot)
    return pot


def catalogs() -> None:
    """Merge the English messages into locales/zh_CN/LC_MESSAGES/*.po (sphinx-intl marks changed
    messages fuzzy and adds new ones empty; tools.po_check lists what is left to translate)."""
    pot = extract()
    merged = subprocess.run([sys.executable, "-m", "sphinx_intl", "update", "-p", str(pot), "-d", str(LOCALES),
                             "-l", LANGUAGE, "-w", "76"], check=True, capture_output=True, text=True)
    # One line per catalog; only those that changed are news.
    print("".join(line + "\n" for line in merged.stdout.splitlines() if not line.startswith("Not Changed")), end="")
    for po in sorted(CATALOG_DIR.rglob("*.po")):
        _drop_obsolete(po)


def _drop_obsolete(po: Path) -> None:
    """sphinx-intl keeps the translation of a removed message as a comment (#~): drop it, so that
    a catalog holds exactly the English source's messages (a changed one is kept, marked fuzzy)."""
    with open(po, "rb") as handle:
        catalog = read_po(handle)
    if catalog.obsolete:
        catalog.obsolete.clear()
        with open(po, "wb") as handle:
            write_po(handle, catalog, width=76)


def chosen_words(code: str) -> list[str]:
    """The words a role can print ("helps", "does not help"): the literals `code` (an expression or
    a cell) gives choose(), show() or verdict(). Every branch is collected, so that a rerun which flips a
    verdict still finds its translation."""
    return [literal.value for literal in verdict_literals(code) if WORD.search(literal.value)]


def value_messages() -> dict[str, list[str]]:
    """Every word-bearing text an {eval} role of the book can show, with where it comes from.

    The words of choose(), show() and verdict() calls in the chapters, and whatever else with words the
    English build recorded (a period "2017-09-01 to 2017-11-17", a model's name).
    """
    found: dict[str, list[str]] = {}
    roles: dict[str, set[str]] = {}   # expression (spaces normalised) -> the pages that hold it
    for page in pages():
        source = _source_of(page)
        if source.suffix != ".ipynb":
            continue
        for cell in nbformat.read(source, as_version=4).cells:
            codes = EVAL_ROLE.findall(cell.source) if cell.cell_type == "markdown" else [cell.source]
            if cell.cell_type == "markdown":
                for code in codes:
                    roles.setdefault(_normalised(code), set()).add(page)
            for code in codes:
                for words in chosen_words(code):
                    found.setdefault(words, []).append(page)
    for text, origins in recorded_words(phrases={words: words for words in found}).items():
        # A role the sources no longer hold (a sentence edited or cut since the last English build)
        # asks for no translation: the next build will not print it. A role moved to another page
        # is kept, under the page that holds it now.
        current = sorted({f"{page}: {{eval}}`{expression}`" for origin in origins
                          for expression in [_expression_of(origin)]
                          for page in roles.get(_normalised(expression), ())})
        if current:
            found.setdefault(text, []).extend(current)
    return found


def _normalised(expression: str) -> str:
    return " ".join(expression.split())


def _expression_of(origin: str) -> str:
    """The expression of an origin "page: {eval}`expression`" (as recorded_words writes it)."""
    return origin.partition(": ")[2].removeprefix("{eval}`").removesuffix("`")


def recorded_words(phrases: dict[str, str]) -> dict[str, list[str]]:
    """The word-bearing texts the English build recorded, each with its roles ("page: {eval}`code`").

    A text a `tally` phrase of ``phrases`` printed ("3 of the 5 seeds") is left out: the phrase
    ("{k} of the {n} seeds") is its translation. Without an English build (no eval.json), those
    values.po already lists: they stay as they are until `make book` records the roles again.
    """
    if not RECORDED.exists():
        return recorded_in_values_po()
    found: dict[str, list[str]] = {}
    for page, values in json.loads(RECORDED.read_text(encoding="utf-8")).items():
        for expression, text in values.items():
            # a tally's "3 of the 5 seeds" is translated by its phrase "{k} of the {n} seeds", found above
            if WORD.search(text) and translate_tally(text, phrases) is None:
                found.setdefault(text, []).append(f"{page}: {{eval}}`{expression}`")
    return found


def recorded_in_values_po() -> dict[str, list[str]]:
    """values.po's entries that a recorded role shows, with those roles as write_values_pot wrote
    them (the catalog wraps a long origin over several comment lines: joined again here)."""
    path = CATALOG_DIR / f"{VALUES}.po"
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    starts = tuple(f"{page}: {{eval}}`" for page in pages())
    found: dict[str, list[str]] = {}
    for message in catalog:
        origins: list[str] = []
        for line in message.auto_comments:
            if line.startswith(starts) or line in pages():
                origins.append(line)
            elif origins:
                origins[-1] += " " + line
        if recorded := [origin for origin in origins if origin.startswith(starts)]:
            found[message.id] = recorded
    return found


def write_values_pot(folder: Path) -> Path:
    catalog = Catalog(project="An LSTM in an Internet Café", fuzzy=False)
    for message, origins in value_messages().items():
        catalog.add(message, auto_comments=sorted(set(origins)))
    path = folder / f"{VALUES}.pot"
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=0)
    return path


def _english_of_translations() -> dict[tuple[Path, str], str]:
    """{(catalog, Chinese): English} of every translated entry, read before a merge: after it, an
    entry whose English changed keeps its Chinese, and this names the English it had."""
    found = {}
    for po in CATALOG_DIR.rglob("*.po"):
        with open(po, "rb") as handle:
            found.update({(po, m.string): m.id for m in read_po(handle) if m.id and m.string})
    return found


def _what_to_edit(before: dict[tuple[Path, str], str]) -> list[str]:
    """Each fuzzy entry as the contributor edits it: where, the English now and before, the Chinese."""
    lines = []
    for po in sorted(CATALOG_DIR.rglob("*.po")):
        with open(po, "rb") as handle:
            fuzzy = [m for m in read_po(handle) if m.id and m.fuzzy]
        for message in fuzzy:
            lines += [f"{po.relative_to(ROOT)}:{message.lineno}: the English of this entry changed",
                      f"    English now: {message.id!r}",
                      f"    English was: {before.get((po, message.string), '(not found)')!r}",
                      f"    Chinese (of the old English): {message.string!r}"]
    return lines


def sync() -> None:
    """`make translation`: the catalogs and the Chinese student copies in step with the English
    sources, without executing a chapter (see CONTRIBUTING.md, "The Chinese edition").

    The contributor changes an English sentence and, in the page's catalog, its entry (msgid: the
    new English, msgstr: the new Chinese); this merges the English messages into the catalogs,
    fails naming every entry that is missing, untranslated or fuzzy, and otherwise writes the
    Chinese student copies (student-zh/).
    """
    before = _english_of_translations()
    catalogs()
    problems = [p.replace(f"{ROOT}{os.sep}", "") for po in sorted(CATALOG_DIR.rglob("*.po"))
                for p in po_check.catalog_problems(po)]
    if problems:
        raise SystemExit("\n".join([
            "The Chinese catalogs are not in step with the English sources:", *problems, "", *_what_to_edit(before),
            "", "Edit each entry above in its .po file: a fuzzy one's msgid is already the new English, so write",
            "its Chinese in msgstr and delete its line `#, fuzzy`; an untranslated one needs its msgstr; fix",
            "any other problem as it says. Then run `make translation` again."]))
    shutil.rmtree(ROOT / "student-zh", ignore_errors=True)
    translate_notebook.main(str(ROOT / "notebooks"), str(ROOT / "student-zh"))
    print("The catalogs are in step with the English sources. `make book` next re-executes the chapters "
          "whose sources changed (English build) and rebuilds the Chinese book and student download.")


def build() -> None:
    """The Chinese book: -W -n as the English one; written into _build/html/zh/."""
    stage()
    write_search_dictionary()
    out = BUILD / "zh" / "out"
    # From scratch (about 30 s, nothing executes): an incremental build would keep pages read
    # before a change of the extension or of the English build it replays.
    shutil.rmtree(out, ignore_errors=True)
    _jupyter_book("--path-output", str(out), "--builder", "html", "-W", "-n", "--keep-going")
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.copytree(out / "_build" / "html", OUT)


if __name__ == "__main__":
    commands = {"stage": stage, "sync": sync, "build": build}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        raise SystemExit(f"usage: python -m tools.zh_edition {{{'|'.join(commands)}}}")
    commands[sys.argv[1]]()
