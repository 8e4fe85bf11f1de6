"""Every chapter in real JupyterLab, as a learner sees it after `make lab` and Run All.

JupyterLab is started as `make lab` starts it (the course's kernel, none of the test-only
settings), driven by headless Chromium with the network blocked. For every chapter of the book
(its student copy, which is what a workshop room opens) the test runs all cells, then reads the
rendered text of every markdown cell and requires:

- no raw MyST markup: every role and directive was rendered by jupyterlab-myst;
- the computed numbers the book shows in the chapter's prose appear in JupyterLab's prose too;
- inline figures in the outputs, no error output, nothing blocked, no page error;
- a progress bar on screen while a chapter trains, and after Run All no bar red or left part-full:
  each training bar says where training stopped and which epoch it kept;
- on the trading dashboard: stepping its first control with the keyboard redraws its chart, and
  axe-core finds no serious or critical accessibility violation in it.

Needs the built book (`make book`) and the student copies (`make student`).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.nbval_guard import ROOT, toc_notebooks
from tools.lab import copy_for_lab, jupyterlab, lab_page, run_all
from tools.lab_check import (
    bar_problems,
    change_first_control,
    dashboard_accessibility,
    progress_bars,
)

pytestmark = pytest.mark.lab

HTML = ROOT / "_build" / "html"
STUDENT = ROOT / "student"
RAW_MARKUP = re.compile(r"\{(glue|glue:\w+|term|cite|cite:\w+|eval|numref|ref|eq|doc|exercise|solution|"
                        r"solution-start|solution-end|admonition|figure|math)\}|:::\{|```\{|\$\$"
                        # an {eval} whose expression was shown instead of its value
                        r"|\b(pct|show|interval|choose|verdict)\(")
CHAPTERS = [n for n in toc_notebooks() if n.startswith("notebooks/")]
# Chapters that train a model with companion.train.fit, so a progress bar must show.
TRAINING = {"notebooks/00_basics.ipynb", "notebooks/02_baseline.ipynb"}
DASHBOARD = "notebooks/08_trade.ipynb"


class _EvalValues(HTMLParser):
    """The values of the {eval} roles in a book page's prose, outside solutions.

    myst-nb renders each as <span class="output text_plain">VALUE</span> (a glued value, which
    JupyterLab cannot show, as <span class="pasted-text">); a value followed by " s" is a run time,
    which differs between two runs and is left out of the comparison.
    """

    def __init__(self):
        super().__init__()
        self.values: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, in solution, is eval span)
        self._pending: str | None = None

    def _in_solution(self) -> bool:
        return any(s for _, s, _ in self._stack)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        solution = "solution" in classes or self._in_solution()
        computed = {"output", "text_plain"} <= set(classes) or "pasted-text" in classes
        self._stack.append((tag, solution, tag == "span" and computed))
        if self._pending is not None and tag != "span":
            self._flush("")

    def handle_endtag(self, tag):
        while self._stack:
            t, solution, is_eval = self._stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if self._stack and self._stack[-1][2]:
            if not self._stack[-1][1]:
                self._pending = data.strip()
            return
        if self._pending is not None:
            self._flush(data)

    def _flush(self, after: str):
        if not re.match(r"\s*(s|seconds)\b", after):
            self.values.append(self._pending)
        self._pending = None


def book_eval_values(notebook: str) -> list[str]:
    page = HTML / notebook.replace(".ipynb", ".html")
    html = page.read_text(errors="replace")
    parser = _EvalValues()
    parser.feed(html[html.find("<article"):html.rfind("</article>")])
    return [v for v in parser.values if v]


# Sphinx turns straight quotes into typographic ones ("smartquotes"); JupyterLab does not. The
# comparison is about the computed words and numbers, so both sides are read with straight quotes.
STRAIGHT_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def lab_copy(notebook: str) -> Path:
    student = STUDENT / Path(notebook).name
    return student if student.exists() else ROOT / notebook


@pytest.fixture(scope="module")
def lab():
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make book` first (the test compares with its numbers)")
    with jupyterlab() as (base, token), lab_page(base, token) as (page, run):
        yield page, run, base, token


def raw_markup(texts: list[str]) -> list[str]:
    return [m.group(0) + " in: " + t[max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
            for t in texts for m in RAW_MARKUP.finditer(t)]


def test_the_raw_markup_check_can_fail():
    assert raw_markup(["a {glue:text}`x` b", "plain"]) and raw_markup([":::{admonition} Key"])
    assert raw_markup(["it scores pct(accuracy) on"])
    assert not raw_markup(["An LSTM (长短期记忆网络) scores 55.3% [52.2%, 70.9%]."])


def test_the_progress_bar_check_can_fail():
    done = {"classes": ["progress-bar", "progress-bar-success"], "percent": 100.0}
    assert not bar_problems([dict(done, text="stopped early at epoch 9, kept epoch 4: 100%| 9/9"),
                             dict(done, text="epochs (kept epoch 20): 100%| 20/20")])
    red = {"classes": ["progress-bar", "progress-bar-danger"], "percent": 45.0, "text": "epochs: 45%| 9/20"}
    assert len(bar_problems([red])) == 2          # red, and silent about where training stopped
    assert bar_problems([dict(done, text="epochs: 100%| 20/20")])   # finished but says nothing
    assert bar_problems([dict(done, percent=60.0, text="stopped early at epoch 9, kept epoch 4")])


def test_book_values_are_read():
    html = ('<article><p>It is <span class="output text_plain">55.3%</span> and ran in '
            '<span class="output text_plain">12</span> s.</p><div class="solution"><p>'
            '<span class="output text_plain">9.9%</span></p></div></article>')
    parser = _EvalValues()
    parser.feed(html)
    assert parser.values == ["55.3%"]


@pytest.mark.parametrize("notebook", CHAPTERS)
def test_chapter_reads_in_jupyterlab_as_in_the_book(lab, notebook):
    page, run, base, token = lab
    run.errors.clear()
    run.page_errors.clear()
    path = copy_for_lab(lab_copy(notebook))
    run_all(page, run, base, token, path)
    shot = ROOT / "_build" / "screenshots" / ("lab_" + Path(notebook).stem + ".png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=False)
    assert not run.errors, f"{notebook}: cells failed in JupyterLab: {run.errors}"
    assert not run.blocked, f"{notebook}: requests tried to leave the machine: {run.blocked}"
    assert len(run.markdown) >= 5, f"{notebook}: only {len(run.markdown)} markdown cells were read"
    markup = raw_markup(run.markdown)
    assert not markup, f"{notebook}: raw MyST markup in JupyterLab:\n" + "\n".join(markup[:20])
    prose = "\n".join(run.markdown).translate(STRAIGHT_QUOTES)
    expected = [v.translate(STRAIGHT_QUOTES) for v in book_eval_values(notebook)]
    assert expected, f"{notebook}: the book page shows no computed numbers in its prose"
    missing = [v for v in expected if v not in prose]
    assert not missing, (f"{notebook}: {len(missing)} of {len(expected)} numbers of the book's prose are not "
                         f"in JupyterLab's prose: {missing[:15]}")
    assert run.images >= 2, f"{notebook}: {run.images} inline figures in JupyterLab (at least 2 expected)"
    if notebook in TRAINING:
        assert run.progress_seen, f"{notebook}: no progress bar was seen while it trained"
    bars = bar_problems(progress_bars(page))
    assert not bars, f"{notebook}: progress bars after Run All: {bars}"
    if notebook == DASHBOARD:
        axe = dashboard_accessibility(page)
        assert not axe, f"{notebook}: serious or critical accessibility violations in the dashboard: {axe}"
        check = change_first_control(page, shot.with_name("lab_dashboard.png"))
        assert check.has_chart, f"{notebook}: the dashboard shows no chart image"
        assert check.chart_changed, (f"{notebook}: the dashboard's chart did not change when its first "
                                     "control stepped up")


# The Chinese student copy of chapter 0 (make student-zh), against the Chinese book's page: the
# Chinese prose renders, and its computed values (numbers and the verdicts' Chinese words, which
# the copy's code prints from values.po) are those of the Chinese edition.
ZH_CHAPTER = "notebooks/00_basics.ipynb"


def test_chinese_chapter_reads_in_jupyterlab_as_in_the_chinese_book(lab):
    page, run, base, token = lab
    run.errors.clear()
    run.page_errors.clear()
    copy = ROOT / "student-zh" / Path(ZH_CHAPTER).name
    assert copy.exists(), f"{copy} is missing: run `make student-zh`"
    run_all(page, run, base, token, copy_for_lab(copy))
    page.screenshot(path=str(ROOT / "_build" / "screenshots" / "lab_zh_00_basics.png"), full_page=False)
    assert not run.errors, f"Chinese {ZH_CHAPTER}: cells failed in JupyterLab: {run.errors}"
    markup = raw_markup(run.markdown)
    assert not markup, "raw MyST markup in the Chinese chapter:\n" + "\n".join(markup[:20])
    prose = "\n".join(run.markdown).translate(STRAIGHT_QUOTES)
    assert len(re.findall(r"[\u4e00-\u9fff]", prose)) > 1000, "the chapter's prose is not in Chinese"
    expected = [v.translate(STRAIGHT_QUOTES) for v in book_eval_values("zh/" + ZH_CHAPTER)]
    assert expected, "the Chinese book page shows no computed values in its prose"
    missing = [v for v in expected if v not in prose]
    assert not missing, f"{len(missing)} of {len(expected)} values of the Chinese page are not in JupyterLab: {missing[:15]}"
    assert run.images >= 2 and run.progress_seen


# A learner's try at one exercise in a student chapter of each language: a wrong answer, a hint,
# the worked solution. The rendered outputs must show the feedback, in Chinese for the Chinese copy.
EXERCISE_CHAPTER, EXERCISE = "07_asymmetric_loss", "ex-07-weight-for-threshold"
EXERCISE_SEEN = {"en": ["Not yet", "upside down", "Hint 1 of 2", "Worked solution", "p_star_real / (1 - p_star_real)"],
                 "zh_CN": ["还不对", "比值倒过来了", "提示 1/2", "参考答案", "p_star_real / (1 - p_star_real)"]}


def exercise_try(language: str) -> Path:
    """The student copy of EXERCISE_CHAPTER with a wrong answer to EXERCISE, then hint() and solution()."""
    import nbformat

    from tools.make_student import student_copy
    from tools.translate_notebook import student_copy_zh
    source = ROOT / "notebooks" / f"{EXERCISE_CHAPTER}.ipynb"
    nb = (student_copy(source) if language == "en"
          else student_copy_zh(source, f"notebooks/{EXERCISE_CHAPTER}"))
    cell = next(c for c in nb.cells if c.get("id") == f"answer-{EXERCISE}")
    cell.source = cell.source.replace("answer = ...", "answer = (1 - payoff[\"real\"][\"p*\"]) / payoff[\"real\"][\"p*\"]  # upside down")
    at = nb.cells.index(cell) + 1
    nb.cells[at:at] = [nbformat.v4.new_code_cell(f'hint("{EXERCISE}")'),
                       nbformat.v4.new_code_cell(f'solution("{EXERCISE}")')]
    path = ROOT / "_build" / "exercise-try" / language / f"{EXERCISE_CHAPTER}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_wrong_answer_a_hint_and_the_solution_show_in_jupyterlab(lab, language):
    from tools.lab_check import _outputs_text
    page, run, base, token = lab
    run.errors.clear()
    run_all(page, run, base, token, copy_for_lab(exercise_try(language)))
    assert not run.errors, f"{language}: cells failed in JupyterLab: {run.errors}"
    shown = _outputs_text(page)
    missing = [words for words in EXERCISE_SEEN[language] if words not in shown]
    assert not missing, f"{language}: the outputs do not show {missing}"
