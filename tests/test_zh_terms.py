"""One Chinese term per concept: the list in locales/zh_CN/terms.tsv, on every catalog and the glossary."""

import re

from babel.messages.pofile import read_po

from tests.nbval_guard import ROOT
from tools.zh_checks import load_terms, term_problems

CATALOGS = ROOT / "locales" / "zh_CN" / "LC_MESSAGES"
GLOSSARY_TERM = re.compile(r"^([A-Za-z0-9][^\n(]*?) \(([^),]*)[^)]*\)$", re.M)   # "Overfitting (过拟合)"


def _translations(po) -> list[tuple[str, str]]:
    with open(po, "rb") as handle:
        return [(m.id, m.string) for m in read_po(handle) if m.id and m.string]


def test_every_catalog_uses_the_listed_terms():
    terms = load_terms()
    problems = [f"{po.relative_to(CATALOGS)}: {msgid!r:.60}: {p}"
                for po in sorted(CATALOGS.rglob("*.po")) for msgid, msgstr in _translations(po)
                for p in term_problems(msgstr, terms)]
    assert not problems, "\n".join(problems)


def test_the_term_check_finds_a_variant_planted_back():
    terms = load_terms()
    for planted in ["训练数据中的信息泄露", "两级模型", "预言机", "故事的主角", "本课程的程序包", "这些 notebook",
                    "0.693 nats", "细胞状态", "有效的委托", "合法订单", "带禁区的划分", "紧缩夏普比率",
                    "由 {eq}`eq-02-bce` 可知", "72小时", "50 %"]:
        assert term_problems(planted, terms), f"the term check misses {planted!r}"
    assert not term_problems("按式 {eq}`eq-02-bce`，带隔离期的两层模型在 72 小时内的准确率为 50%，"
                             "见[第 1 章](../notebooks/01_market.ipynb)和 `notebook` 代码。", terms)


def test_the_glossary_names_the_listed_terms():
    listed = {english: chinese for english, chinese, _ in load_terms()}
    glossary = dict((m.group(1), m.group(2).strip()) for m in
                    GLOSSARY_TERM.finditer((ROOT / "book" / "glossary.md").read_text(encoding="utf-8")))
    assert glossary, "no terms found in book/glossary.md"
    differ = {en: (zh, listed.get(en)) for en, zh in glossary.items() if listed.get(en) != zh}
    assert not differ, f"glossary.md and terms.tsv name these terms differently (glossary, list): {differ}"
    # ... and the Chinese glossary page shows each listed name first
    shown = dict(_translations(CATALOGS / "book" / "glossary.po"))
    for english, chinese in glossary.items():
        entry = next(msgid for msgid in shown if msgid.startswith(f"{english} ("))
        assert shown[entry].startswith(chinese), f"glossary.po shows {shown[entry]!r} for {english!r}: start it with {chinese}"
