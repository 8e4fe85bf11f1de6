"""The Chinese build's own typesetting (book/_ext/editions.py), on a two-paragraph book built in a
temporary folder: a solution's title reads 练习 1 解答, a list of numbers takes the enumeration comma;
the English build keeps sphinx-exercise's "Solution to Exercise 1" and the commas."""

import subprocess
import sys

import pytest

from tests.nbval_guard import ROOT

PAGE = """# Test

历史长度 {value}`3, 6, 12` 年。

```{exercise}
:label: ex-one
Try it.
```

```{solution} ex-one
Done.
```
"""

CONF = f"""
import sys
sys.path.insert(0, {str(ROOT / "book" / "_ext")!r})
from docutils import nodes
extensions = ["myst_nb", "sphinx_exercise", "editions"]
numfig = True
suppress_warnings = ["editions"]


def value(name, rawtext, text, lineno, inliner, options=None, content=None):
    # what an {{eval}} role leaves in the page: the value in an inline text_plain span
    return [nodes.inline(text=text, classes=["output", "text_plain"])], []


def setup(app):
    app.add_role("value", value)
"""


def _build(tmp_path, language: str) -> str:
    src = tmp_path / language
    src.mkdir()
    (src / "conf.py").write_text(CONF + f"\nlanguage = {language!r}\n", encoding="utf-8")
    (src / "index.md").write_text(PAGE, encoding="utf-8")
    # One process per build: Sphinx's translators are global, so a Chinese build would leave its
    # "解答" to an English one run after it in the same process.
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(src / "_out")],
                   check=True, capture_output=True)
    return (src / "_out" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_solution_titles_and_number_lists(tmp_path, language):
    html = _build(tmp_path, language)
    if language == "zh_CN":
        assert '<a class="reference internal" href="#ex-one">练习 1</a> 解答' in html
        assert "3、6、12" in html
    else:
        assert 'Solution to<a class="reference internal" href="#ex-one"> Exercise 1</a>' in html
        assert "3, 6, 12" in html
