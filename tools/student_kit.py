"""The student download: every chapter without its solutions, with what the chapters need to run.

    python -m tools.student_kit [_build/kit/lstm-cafe-student.zip]

`make book` builds it before the book, and the set-up and instructor pages link to it. The zip holds
one folder, lstm-cafe-student/, laid out like the repository so that the chapters find what they read:

    notebooks/        the student copies of the chapters listed in _toc.yml (tools.make_student)
    companion/        the package and its shipped data (companion/data/)
    benchmarks/       the measured tables the chapters show (results/) and the scripts that made them,
                      which the tables' freshness check reads
    tools/setup_course.py, requirements.txt, pyproject.toml   the set-up (`py -3.11 tools\\setup_course.py lab`)
    README.md, LICENSE, LICENSE-TEXT.md, CITATION.cff
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import nbformat
import yaml

from tools.make_student import student_copy
from tools.translate_notebook import student_copy_zh

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT / "_build" / "kit" / "lstm-cafe-student.zip"
TOP = "lstm-cafe-student"
FILES = ["requirements.txt", "pyproject.toml", "tools/setup_course.py", "LICENSE", "LICENSE-TEXT.md",
         "CITATION.cff"]
FOLDERS = {"companion": ("*.py", "*.csv", "*.md", "*.json", "*.po"), "benchmarks": ("*.py", "*.csv", "*.json")}

README = """# An LSTM in an Internet Café: student notebooks

The chapters of the course without their worked solutions: try each exercise yourself, then compare
with the solutions in the rendered book.

## Set up (Python 3.11; no `make` needed)

    py -3.11 tools\\setup_course.py lab        # Windows (PowerShell)
    python3.11 tools/setup_course.py lab      # macOS and Linux

The first run creates `.venv`, installs the pinned requirements (the CPU build of PyTorch unless you
add `--torch cuda`) and the package `companion`, then opens JupyterLab on `notebooks/`. Later runs
only open JupyterLab. Run the notebooks from this folder: they read `benchmarks/results/`.

## Exercises that check themselves

Each exercise ends with a cell `answer = ...` and `check("ex-02-best-of-n", answer)`; the comment
above it says what the check wants. Replace `...` with your answer and run the cell: the check
recomputes what matters from the chapter's variables and says "Correct", names the mistake it
recognises, or "Not attempted yet"; it never stops the notebook. `hint(label)` gives the next hint
each call, `solution(label)` the worked solution. Exercises that ask for a judgement in words show
the points a good answer makes once you have written yours (as a string). `progress()` lists what
you have passed, kept in `notebooks/.exercise_progress.json`; nothing leaves your machine.

## Contents

{chapters}

## Licences

Code (`companion/`, `benchmarks/`, `tools/`, the code cells): MIT, see LICENSE. Text (the Markdown
cells): CC BY-NC 4.0, see LICENSE-TEXT.md. The prices in `companion/data/` come from public sources
that state no licence; see `companion/data/PROVENANCE.md`. How to cite: CITATION.cff.
"""


def toc_files(node) -> list[str]:
    """Every `file:` and `root:` entry of a parsed _toc.yml, in order.

    The one reader of the table of contents (the tests use it too). It lives here, not in the
    tests, because a learner's .venv has no pytest and `setup_course.py book` runs this module.
    """
    if isinstance(node, dict):
        return [f for key, value in node.items()
                for f in ([value] if key in ("file", "root") and isinstance(value, str) else toc_files(value))]
    if isinstance(node, list):
        return [f for item in node for f in toc_files(item)]
    return []


def chapters() -> list[Path]:
    """The chapters of the book (notebooks/ entries of _toc.yml), in the book's order."""
    entries = toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    found = [ROOT / (f + ".ipynb") for f in entries if f.startswith("notebooks/") and (ROOT / (f + ".ipynb")).exists()]
    if not found:
        raise SystemExit("_toc.yml lists no notebooks/ chapter: nothing to put in the student download.")
    return found


def shipped_files() -> list[Path]:
    """The package, its data and the measured tables, relative to the repository root."""
    files = [Path(f) for f in FILES]
    for folder, patterns in FOLDERS.items():
        for pattern in patterns:
            files += [p.relative_to(ROOT) for p in (ROOT / folder).rglob(pattern) if "__pycache__" not in p.parts]
    return sorted(set(files))


README_ZH = """# 网吧里的 LSTM：学生版笔记本（中文）

课程各章的学生版，已删去参考答案：先自己完成每个练习，再对照渲染版课本中的参考答案。
代码与英文版完全相同，只有文字说明是中文。

## 安装（Python 3.11，无需 make）

    py -3.11 tools\\setup_course.py lab        # Windows（PowerShell）
    python3.11 tools/setup_course.py lab      # macOS 与 Linux

第一次运行会创建 `.venv`，安装锁定版本的依赖（默认是 PyTorch 的 CPU 版本，加 `--torch cuda` 可装 GPU 版）
和 `companion` 包，然后在 `notebooks/` 上打开 JupyterLab。请在本文件夹中运行笔记本：它们会读取 `benchmarks/results/`。

## 会自己检查的练习

每个练习后面都有一个单元格：`answer = ...` 和 `check("ex-02-best-of-n", answer)`；它上方的注释说明检查需要什么。
把 `...` 换成你的答案并运行：检查会用本章的变量重新算出关键的结果，然后回答“正确”、指出它认出的错误，或者“尚未作答”；
它从不会让笔记本停下来。`hint(标签)` 每调用一次给出下一条提示，`solution(标签)` 显示参考答案。要求用文字作出判断的练习，
在你（以字符串）写下答案后列出好的答案应包含的几点。`progress()` 列出你已通过的练习，保存在
`notebooks/.exercise_progress.json` 中；任何数据都不会离开你的电脑。

## 内容

{chapters}

## 许可

代码（`companion/`、`benchmarks/`、`tools/` 与代码单元）：MIT，见 LICENSE。文字（Markdown 单元）：CC BY-NC 4.0，
见 LICENSE-TEXT.md。`companion/data/` 中的价格数据来源见 `companion/data/PROVENANCE.md`。引用方式：CITATION.cff。
"""


def build(target: Path = KIT, language: str = "en") -> Path:
    """Write the zip to `target` (replaced atomically: a failed build leaves no half-written zip).

    language "zh": the Chinese student copies (tools.translate_notebook), prose from the catalogs.
    """
    def copy(chapter: Path):
        if language == "zh":
            return student_copy_zh(chapter, f"notebooks/{chapter.stem}")
        return student_copy(chapter, f"notebooks/{chapter.name}")

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    names = chapters()
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as kit:
        for chapter in names:
            kit.writestr(f"{TOP}/notebooks/{chapter.name}", nbformat.writes(copy(chapter)))
        for rel in shipped_files():
            kit.write(ROOT / rel, f"{TOP}/{rel.as_posix()}")
        listing = "\n".join(f"- `notebooks/{c.name}`" for c in names)
        kit.writestr(f"{TOP}/README.md", (README_ZH if language == "zh" else README).format(chapters=listing))
    partial.replace(target)
    print(f"Wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
          f"{len(names)} student notebooks, {target.stat().st_size / 1e6:.1f} MB.")
    return target


if __name__ == "__main__":
    # python -m tools.student_kit [TARGET.zip] [zh]
    arguments = [a for a in sys.argv[1:] if a != "zh"]
    build(Path(arguments[0]).resolve() if arguments else KIT, "zh" if "zh" in sys.argv[1:] else "en")
