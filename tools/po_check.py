"""Checks of a translated catalog: every entry translated, the MyST markup kept intact, and the
Chinese typeset as Chinese (no stray spaces, bold that CommonMark can close).

    python -m tools.po_check locales/zh_CN/LC_MESSAGES/notebooks/02_baseline.po [...]

A translation may reorder a sentence, but what the English computes or links must survive it: the
{eval} expressions (they print the chapter's numbers), the targets of cross-references, citations,
links and glossary terms, inline code and math, and every number typed in the English.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

ROLE = re.compile(r"\{(\w+)\}`([^`]*)`")
CODE = re.compile(r"(?<![{}\w])`([^`]+)`")
MATH = re.compile(r"(?<!\\)\$([^$]+)\$")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)


def _role_keys(text: str) -> Counter:
    """What each role points at: the target, never the shown text (which a translation changes)."""
    keys = Counter()
    for name, body in ROLE.findall(text):
        explicit = EXPLICIT.match(body)
        target = explicit.group(2) if explicit and name != "eval" else body
        keys[(name, target.strip().lower() if name == "term" else target.strip())] += 1
    return keys


def _without_roles(text: str) -> str:
    return ROLE.sub(" ", text)


def markup_problems(msgid: str, msgstr: str) -> list[str]:
    """What the translation `msgstr` of `msgid` lost or changed; empty when it kept everything."""
    problems = []
    lost_roles = _role_keys(msgid) - _role_keys(msgstr)
    extra_roles = _role_keys(msgstr) - _role_keys(msgid)
    if lost_roles or extra_roles:
        problems.append(f"roles differ: missing {sorted(lost_roles)}, added {sorted(extra_roles)}")
    plain_id, plain_str = _without_roles(msgid), _without_roles(msgstr)
    for what, pattern in (("inline code", CODE), ("math", MATH), ("link target", LINK_TARGET)):
        if Counter(pattern.findall(plain_id)) != Counter(pattern.findall(plain_str)):
            problems.append(f"{what} differs: {pattern.findall(plain_id)} -> {pattern.findall(plain_str)}")
    prose_id = MATH.sub(" ", CODE.sub(" ", plain_id))
    prose_str = MATH.sub(" ", CODE.sub(" ", plain_str))
    lost_numbers = set(NUMBER.findall(prose_id)) - set(NUMBER.findall(prose_str))
    if lost_numbers:
        problems.append(f"numbers missing from the translation: {sorted(lost_numbers)}")
    return problems


# Chinese characters and full-width punctuation: no space goes between them and a Chinese word.
HAN = r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’—…]"
FULL_STOP = "：。？！；，、"
SPAN = re.compile(r"\{\w+\}`[^`]*`|\*\*[^*\n]+?\*\*")   # a role or a bold span, as a reader sees one word


def _shown(span: str) -> str:
    """What a reader sees of a role or a bold span: a {term}'s shown text; an {eval}'s value is data."""
    if span.startswith("**"):
        return span[2:-2]
    name, body = ROLE.fullmatch(span).groups()
    explicit = EXPLICIT.match(body)
    return "0" if name == "eval" else explicit.group(1) if explicit else body


def _punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P") or char in "$+<=>^`|~"


def typography_problems(msgstr: str) -> list[str]:
    """Where the Chinese `msgstr` is typeset as English: a space beside a Chinese term link or bold
    word ("用 校准 的工具"), a space after full-width punctuation ("讲授： 45"), or bold closed after
    punctuation and before a letter (`**现实：**单独`), which CommonMark leaves as literal asterisks."""
    if not re.search(r"[\u4e00-\u9fff]", msgstr):
        return []
    problems = []
    for span in SPAN.finditer(msgstr):
        shown, before, after = _shown(span.group()), msgstr[:span.start()], msgstr[span.end():]
        if re.search(HAN + " +$", before) and re.match(HAN, shown) or \
                re.match(" +" + HAN, after) and re.search(HAN + "$", shown):
            problems.append(f"a space beside {span.group()!r}: Chinese puts none between Chinese words")
        if span.group().startswith("**") and _punctuation(shown[-1]) and after[:1].strip() \
                and not _punctuation(after[0]):
            problems.append(f"{span.group()!r} ends in punctuation before a letter, so CommonMark shows the "
                            f"asterisks: put the punctuation after the closing ** (**现实**：)")
    prose = re.split(r"(\{\w+\}`[^`]*`|`[^`]*`|\$[^$]*\$|\]\([^)]*\))", msgstr)[::2]
    for match in re.finditer(f"[{FULL_STOP}（）“”] +\\S", "\x00".join(prose).replace("**", "")):
        problems.append(f"a space after full-width punctuation in {match.group()!r}: drop it")
    return problems


def _msgids(path: Path) -> Counter:
    """How often each msgid is defined (babel's reader silently keeps the last of two)."""
    ids, current = Counter(), None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("msgid "):
            current = [line[6:].strip()[1:-1]]
        elif current is not None and line.startswith('"'):
            current.append(line.strip()[1:-1])
        elif current is not None:
            if "".join(current):
                ids["".join(current)] += 1
            current = None
    return ids


def catalog_problems(path: Path) -> list[str]:
    """Every problem of one .po file: fuzzy, untranslated, obsolete, or markup lost."""
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    problems = [f"{path}: obsolete entry {msgid!r:.70}" for msgid in catalog.obsolete]
    problems += [f"{path}: {msgid!r:.70} is defined {n} times (a merge kept both copies: keep one)"
                 for msgid, n in _msgids(path).items() if n > 1]
    for message in catalog:
        if not message.id:
            continue
        where = f"{path}:{message.lineno}: {message.id!r:.70}"
        if message.fuzzy:
            problems.append(f"{where}: fuzzy (the English changed: check the translation, drop the flag)")
        elif not message.string:
            problems.append(f"{where}: untranslated")
        else:
            problems += [f"{where}: {p}" for p in markup_problems(message.id, message.string)]
            problems += [f"{where}: {p}" for p in typography_problems(message.string)]
    return problems


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: python -m tools.po_check FILE.po [...]")
        return 2
    problems = [p for path in paths for p in catalog_problems(Path(path))]
    print("\n".join(problems) if problems else "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
