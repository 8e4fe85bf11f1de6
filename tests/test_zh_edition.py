"""The Chinese edition (中文版): complete, in step with the English, same numbers, no copied novel.

The catalog and student-copy tests need no build; those marked `book` read _build/html and
_build/html/zh (run by `make book-check`).
"""

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.nbval_guard import ROOT
from tools.po_check import catalog_problems, typography_problems
from tools.translate_notebook import _literals, load_catalog, translated_notebook
from tools.zh_checks import catalog_drift, english_runs, page_numbers, page_prose, shared_runs
from tools.zh_edition import pages

CATALOGS = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
SEED = ROOT.parent / "shared" / "seed" / "episode-02.zh.txt"
HTML = ROOT / "_build" / "html"


CHAPTERS = [p for p in pages() if p.startswith("notebooks/")]


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SEED} is missing: CI checks the Chinese edition against the novel's text there.")
        pytest.skip(f"{SEED} is missing (the novel's text lies beside the repository, in ../shared/seed/)")
    return SEED.read_text(encoding="utf-8")


# -- the catalogs ----------------------------------------------------------------------------------

def test_every_page_has_a_complete_catalog():
    missing = [p for p in pages() if not (CATALOGS / f"{p}.po").exists()]
    assert not missing, f"pages without a Chinese catalog: {missing} (run `make translation`)"
    problems = [p for po in sorted(CATALOGS.rglob("*.po")) for p in catalog_problems(po)]
    assert not problems, "\n".join(problems)


def test_the_catalog_check_finds_fuzzy_untranslated_and_broken_entries(tmp_path):
    po = tmp_path / "page.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "It helps."\nmsgstr "有用。"\n\n'
        'msgid "Not yet."\nmsgstr ""\n\n'
        'msgid "Accuracy {eval}`pct(acc)` on 100 days."\nmsgstr "准确率为 {eval}`pct(accuracy)`。"\n\n'
        'msgid "momentum"\nmsgstr "动量"\n\nmsgid ""\n"momentum"\nmsgstr "动量"\n',
        encoding="utf-8")
    problems = "\n".join(catalog_problems(po))
    assert "fuzzy" in problems and "untranslated" in problems
    assert "roles differ" in problems and "numbers missing" in problems
    assert "'momentum' is defined 2 times" in problems


def test_the_typography_check_finds_spaces_and_unclosed_bold():
    assert typography_problems("我们用 {term}`校准 <Calibration (校准)>` 的工具。")          # spaces beside a term
    assert typography_problems("**讲授：** 45 分钟")                                       # space after ：
    assert typography_problems("**现实：**单独测量")                                        # ** left unclosed
    assert typography_problems("本课程取材于 **李林**（Li Lin）")
    assert not typography_problems("**讲授**：45 分钟 · **练习**：20 分钟，准确率为 {eval}`pct(acc)`。")
    assert not typography_problems("用 {term}`LSTM <LSTM (长短期记忆网络)>` 和 `x， y` 计算。")


def test_no_translation_shares_a_run_of_12_characters_with_the_novel(seed):
    from babel.messages.pofile import read_po

    copied = {}
    for po in sorted(CATALOGS.rglob("*.po")):
        with open(po, "rb") as handle:
            text = "\n".join(m.string for m in read_po(handle) if m.id)
        if runs := shared_runs(text, seed):
            copied[str(po.relative_to(CATALOGS))] = runs
    assert not copied, f"translations sharing 12+ characters with the novel: {copied}"


def test_the_no_copy_check_finds_a_copied_phrase(seed):
    phrase = next(line.strip() for line in seed.splitlines() if len(line.strip()) > 30)[5:25]
    assert shared_runs(f"我们写道：{phrase}。", seed)


# -- the Chinese student copies (JupyterLab) -------------------------------------------------------

@pytest.mark.parametrize("page", CHAPTERS)
def test_chinese_chapter_is_translated_and_computes_the_same(page):
    source = ROOT / f"{page}.ipynb"
    zh, unused = translated_notebook(source, page)
    assert not unused, f"catalog entries of {page} not found in its cells: {sorted(unused)[:3]}"
    english = nbformat.read(source, as_version=4)
    values = load_catalog("values")
    left = {i: runs for i, cell in enumerate(zh.cells) if cell.cell_type == "markdown"
            if (runs := english_runs(cell.source))}
    assert not left, f"{page}: English prose left in the Chinese copy (cell: runs): {left}"
    changed = [i for i, (a, b) in enumerate(zip(english.cells, zh.cells, strict=True))
               if a.cell_type == "code" and _literals(a.source, values) != b.source]
    assert not changed, f"{page}: code cells {changed} differ beyond the translated verdict words"
    for cell in zh.cells:   # and the translated words left the code valid Python
        if cell.cell_type == "code" and not cell.source.lstrip().startswith(("%", "!")):
            compile(cell.source, page, "exec")


def test_the_untranslated_prose_check_finds_english():
    assert english_runs("准确率为 {eval}`pct(acc)`。 The model does not beat always up here.")
    assert not english_runs("准确率为 {eval}`pct(acc)`，用 `torch.nn.LSTM` 和 $x_t + h_{t-1}$ 计算。")


# -- the built editions ----------------------------------------------------------------------------

@pytest.mark.book
def test_catalogs_are_in_step_with_the_english_sources(tmp_path):
    """A changed English paragraph, or a new one, has no translation entry: this fails."""
    from tools.zh_edition import extract

    pot = extract(tmp_path / "gettext")
    drift = catalog_drift(pot, CATALOGS)
    assert not drift, "\n".join(drift) + "\nRun `make translation` and translate the new or fuzzy entries it names."
    # ... and it can fail: change one English message, and it is reported.
    changed = tmp_path / "changed"
    shutil.copytree(pot, changed)
    target = changed / "notebooks" / "02_baseline.pot"
    target.write_text(target.read_text(encoding="utf-8").replace('msgid "The baselines"', 'msgid "The base lines"'),
                      encoding="utf-8")
    assert any("The base lines" in p for p in catalog_drift(changed, CATALOGS))


@pytest.mark.book
@pytest.mark.parametrize("page", pages())
def test_both_editions_show_the_same_numbers(page):
    en = page_numbers((HTML / f"{page}.html").read_text(encoding="utf-8"))
    zh = page_numbers((HTML / "zh" / f"{page}.html").read_text(encoding="utf-8"))
    for part in en:
        assert en[part] == zh[part], (f"{page}: the {part} differ between the editions:\n"
                                      f"English only {en[part] - zh[part]}\nChinese only {zh[part] - en[part]}")


@pytest.mark.book
def test_the_number_comparison_has_numbers_to_compare():
    shown = [page_numbers((HTML / f"{p}.html").read_text(encoding="utf-8")) for p in CHAPTERS]
    assert sum(sum(s["prose"].values()) for s in shown) > 200
    assert all(s["figures"] for s in shown), "a chapter page without figures: nothing to compare"
    altered = (HTML / "zh" / f"{CHAPTERS[2]}.html").read_text(encoding="utf-8").replace(
        '<span class="output text_plain">', '<span class="output text_plain">9', 1)
    assert page_numbers(altered)["prose"] != shown[2]["prose"]


@pytest.mark.book
def test_chinese_pages_share_no_run_of_12_characters_with_the_novel(seed):
    copied = {}
    for page in pages():
        if runs := shared_runs(page_prose((HTML / "zh" / f"{page}.html").read_text(encoding="utf-8")), seed):
            copied[page] = runs
    assert not copied, f"Chinese pages sharing 12+ characters with the novel: {copied}"


@pytest.mark.book
@pytest.mark.parametrize("edition", ["", "zh/"])
def test_every_page_links_its_counterpart(edition):
    import re

    for page in pages():
        html = (HTML / edition / f"{page}.html").read_text(encoding="utf-8")
        links = re.findall(r'<a class="edition-switch" href="([^"]+)"', html)
        assert len(links) == 1, f"{edition}{page}: {len(links)} links to the other edition"
        target = (HTML / edition / Path(page).parent / links[0]).resolve()
        assert target.exists(), f"{edition}{page} links {links[0]}, which does not exist"
        assert target.is_relative_to(HTML / "zh") != bool(edition), f"{edition}{page} links its own edition"


def test_the_chinese_search_box_speaks_chinese():
    """sphinx-book-theme's Chinese catalog lacks "Search": the Chinese build names the box itself."""
    from tools.zh_edition import zh_config

    options = zh_config()["sphinx"]["config"]["html_theme_options"]
    assert "搜索" in options["search_bar_text"] and options["use_download_button"]


@pytest.mark.book
def test_translated_equations_render_as_latex():
    """A display equation whose \\text{} words are translated keeps its LaTeX (Sphinx's own
    translation of a math block left "::" in its place: book/_ext/editions.py)."""
    pages = sorted((ROOT / "_build" / "html" / "zh").rglob("*.html"))
    assert pages, "build the book first"
    texts = {p: p.read_text(encoding="utf-8") for p in pages}
    assert [str(p) for p, t in texts.items() if "\\[::\\]" in t] == []
    assert any(re.search(r"\\text\{[\u4e00-\u9fff]", t) for t in texts.values()), \
        "no translated equation to check: the test would pass with nothing"
