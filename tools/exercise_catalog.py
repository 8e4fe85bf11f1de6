"""The Chinese catalog of the exercises' texts: every message, hint and self-check point.

    python -m tools.exercise_catalog          # refresh companion/exercises/zh_CN.po

Each text a learner reads is written in English with ``say("...")`` in companion/exercises/; this
finds every such literal, keeps the translations already in the catalog, adds the new texts with an
empty translation, and marks nothing fuzzy (an English text that changes is a new entry: translate
it, and the old one goes). The package reads the .po itself (companion/exercises/_core.py), so the
student kit ships it as it is; `python -m tools.po_check` checks it like the book's catalogs.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "companion" / "exercises"
CATALOG = PACKAGE / "zh_CN.po"
HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: lstm-cafe exercises\\n"\n'
          '"Language: zh_CN\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Content-Transfer-Encoding: 8bit\\n"\n')


def messages() -> dict[str, list[str]]:
    """English text -> the files that say it, in the order of the files."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("say", "wrong")
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                places = found.setdefault(node.args[0].value, [])
                if path.name not in places:   # the file, not the line: moving code changes nothing
                    places.append(path.name)
    return found


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write(translations: dict[str, str]) -> str:
    entries = [HEADER]
    for text, places in messages().items():
        entries.append(f"#: {' '.join(places)}\nmsgid {quote(text)}\nmsgstr {quote(translations.get(text, ''))}\n")
    return "\n".join(entries)


def main() -> None:
    from companion.exercises._core import read_po
    old = read_po(CATALOG.read_text(encoding="utf-8")) if CATALOG.exists() else {}
    CATALOG.write_text(write(old), encoding="utf-8")
    missing = [t for t in messages() if t not in old]
    print(f"Wrote {CATALOG.relative_to(ROOT)}: {len(messages())} texts, {len(missing)} to translate.")


if __name__ == "__main__":
    main()
