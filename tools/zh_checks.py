"""What keeps the two editions honest, as functions the tests call (tests/test_zh_edition.py).

- catalog_drift: the catalogs against a fresh extraction of the English sources (stale, missing).
- shared_runs: runs of 12+ characters a Chinese text shares with the novel (the no-copy rule).
- page_numbers: the numbers a built page shows in its prose, its outputs and its figures.
- english_runs: English prose left in a translated Markdown cell.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

from tools.translate_notebook import WORD

RUN = 12
# Names the pages may share with the novel: the titles of the novel and of the episode, quoted on the
# story page, and code names both use (PyTorch's API, the course's class names, the tensor layout
# [batch, stock, time, feature] the design prescribes).
ALLOWED = ["2017：我为AI点亮火种", "首桶金！LSTM短线狙击", "[batch, stock", "binary_cross_entropy", ".unsqueeze(1)",
           "F.interpolate", "TwoLevelLSTM", "coordinator="]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _messages(path: Path) -> set[str]:
    with open(path, "rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def catalog_drift(pot_dir: Path, po_dir: Path) -> list[str]:
    """Every difference between the fresh templates (.pot) and the translations (.po).

    A message of the English source with no entry in its catalog means an English paragraph was
    added or changed after the catalogs were last refreshed; an entry whose message the source no
    longer has is an obsolete translation.
    """
    problems = []
    for pot in sorted(pot_dir.rglob("*.pot")):
        page = pot.relative_to(pot_dir).with_suffix("")
        po = po_dir / page.with_suffix(".po")
        if not po.exists():
            problems.append(f"{page}: no catalog {po}")
            continue
        english, translated = _messages(pot), _messages(po)
        problems += [f"{page}: no translation entry for {m!r:.80}" for m in sorted(english - translated)]
        problems += [f"{page}: obsolete entry {m!r:.80}" for m in sorted(translated - english)]
    return problems


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def shared_runs(text: str, source: str, run: int = RUN, allowed: list[str] = ALLOWED) -> list[str]:
    """The runs of `run` or more characters `text` shares with `source`, whitespace ignored."""
    text, source = _squeeze(text), _squeeze(source)
    for name in allowed:
        text = text.replace(_squeeze(name), "\x00")
    grams = {source[i:i + run] for i in range(len(source) - run + 1)}
    found, i = [], 0
    while i <= len(text) - run:
        if text[i:i + run] in grams:
            j = i + run
            while j < len(text) and text[i:j + 1] in source:
                j += 1
            found.append(text[i:j])
            i = j
        else:
            i += 1
    return found


def page_prose(html: str) -> str:
    """The prose of a built page: its article without code cells, outputs and inline code, which
    both editions share (the code is the English edition's; the no-copy rule for it is checked there).
    On the API page, signatures (dt.sig) and the parameter names of the field lists are code too."""
    from bs4 import BeautifulSoup

    article = BeautifulSoup(html, "html.parser").select_one("article")
    for shared in article.select(".cell_input, .cell_output, pre, code, dt.sig, dl.field-list strong"):
        shared.decompose()
    return article.get_text(" ")


def page_numbers(html: str) -> dict[str, Counter]:
    """The computed numbers a built page shows: in its prose ({eval} roles), outputs and figures.

    Word-bearing {eval} values ("helps", "2017-09-01 to 2017-11-17") are left out: the Chinese page
    shows their translation (values.po).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article") or soup
    for caption in article.select(".cell_output figcaption"):
        caption.decompose()   # a figure's caption is prose, translated; its image is compared below
    outputs = article.select(".cell_output")
    # The Chinese edition lists numbers with the enumeration comma (3、6、12): the same numbers.
    prose_values = [s.get_text().replace("、", ", ") for s in article.select("span.output.text_plain")
                    if s.find_parent(class_="cell_output") is None]
    return {
        "prose": Counter(v for v in prose_values if not WORD.search(v) and not CJK.search(v)),
        "prose roles": Counter({"count": len(prose_values)}),
        "outputs": Counter(" ".join(o.get_text().split()) for o in outputs),
        "figures": Counter(Path(img.get("src", "")).name for img in article.select(".cell_output img")),
    }


# What a translated Markdown cell may keep in English: code, roles, math, link targets, HTML, fences.
NOT_PROSE = [r"\{\w+\}`[^`]*`", r"`[^`]*`", r"\$\$.*?\$\$", r"\$[^$]*\$", r"\]\([^)]*\)", r"<[^>]+>",
             r"^```.*$", r"^:::.*$", r"^:\w+:.*$"]


def english_runs(markdown: str, words: int = 5) -> list[str]:
    """Runs of `words` or more English words in `markdown`'s prose (untranslated text)."""
    for pattern in NOT_PROSE:
        markdown = re.sub(pattern, " ", markdown, flags=re.S | re.M)
    word = r"[A-Za-z][A-Za-z'’-]*[ ,]+"
    return re.findall(f"(?:{word}){{{words - 1},}}[A-Za-z]+", markdown)


# -- the terminology list (locales/zh_CN/terms.tsv) --------------------------------------------------

TERMS = Path(__file__).resolve().parent.parent / "locales" / "zh_CN" / "terms.tsv"
SHOWN_ROLE = re.compile(r"\{(\w+)\}`([^`]*)`")


def load_terms(path: Path = TERMS) -> list[tuple[str, str, list[re.Pattern]]]:
    """(English term, its one Chinese term, the variants no catalog may use) for each line of `path`."""
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese, *rest = line.split("\t")
        variants = [v.strip() for v in (rest[0] if rest else "").split(" | ") if v.strip()]
        terms.append((english, chinese, [re.compile(v[3:] if v.startswith("re:") else re.escape(v))
                                         for v in variants]))
    return terms


def reader_text(msgstr: str) -> str:
    """What a reader sees of a translated message: roles as their shown text (an {eq} as the marker
    `{eq}`, an {eval} as a number), without inline code, math, link targets and citations."""
    def shown(role: re.Match) -> str:
        name, body = role.groups()
        if name == "eq":
            return "{eq}"
        if name in ("eval", "cite", "download"):
            return "0" if name == "eval" else ""
        return re.sub(r"\s*<[^<>]*>$", "", body)
    text = SHOWN_ROLE.sub(shown, msgstr)
    for pattern in (r"`[^`]*`", r"\$\$.*?\$\$", r"\$[^$]*\$", r"\]\([^)]*\)", r"https?://\S+"):
        text = re.sub(pattern, " ", text, flags=re.S)
    return text


def term_problems(msgstr: str, terms: list[tuple[str, str, list[re.Pattern]]]) -> list[str]:
    """Each variant of `terms` that the translation `msgstr` uses instead of the one listed term."""
    text = reader_text(msgstr)
    return [f"uses {found.group()!r} for {english!r}: write {chinese!r} (locales/zh_CN/terms.tsv)"
            for english, chinese, variants in terms for variant in variants
            if (found := variant.search(text))]
