"""Two editions of the book, English and Chinese (中文版), from one execution.

- The English build executes every chapter inline; each {eval} role of the prose asks the kernel.
  This extension records the text every role showed, per page, in _build/editions/eval.json.
- The Chinese build (tools/zh_edition.py) reads the chapters as the English build executed them,
  with execution off. Its {eval} roles, in the English source and in the translated catalog
  messages alike, replay the recorded text: both editions show the numbers of the same run.
- Every page links to its counterpart in the other edition (a banner at the top).
- In the Chinese build, a message of the English source that the catalogs lack is an error, so the
  editions cannot drift apart silently (a changed English paragraph has no translation yet).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from babel.messages.pofile import read_po
from docutils import nodes
from myst_nb.ext.eval import EvalRoleAny
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from companion.prose import translate_tally

logger = logging.getLogger(__name__)

WORD = re.compile(r"[A-Za-z]{2,}")   # as tools/translate_notebook.py: a value with a word needs a translation
SWITCH = {  # the banner each edition shows, in the other edition's language
    "en": "阅读本页的中文版 (Chinese edition)",
    "zh_CN": "Read this page in English (英文版)",
}


def _values_path(app: Sphinx) -> Path:
    """Where the recorded values live: the English build writes, the Chinese build reads."""
    if app.config.editions_eval_values:
        return Path(app.config.editions_eval_values)
    return Path(app.outdir).parent / "editions" / "eval.json"


def _replaying(app: Sphinx) -> bool:
    return bool(app.config.editions_eval_values)


class RecordedEval(EvalRoleAny):
    """{eval}: ask the kernel and record the answer (English build), or replay it (Chinese build)."""

    def run(self):
        env = self.document.settings.env
        if _replaying(env.app):
            return self._replay(env)
        shown, messages = super().run()   # myst-nb asks the kernel (once) and renders the answer
        # Its text/plain rendering, quotes already stripped, is what the English page shows.
        plain = [c for node in shown for c in node.findall(nodes.container) if c.get("mime_type") == "text/plain"]
        if len(plain) == 1:
            env.editions_eval.setdefault(env.docname, {})[self.text] = plain[0].astext()
        return shown, messages

    def _replay(self, env):
        recorded = env.app.editions_recorded.get(env.docname, {})
        if self.text not in recorded and env.app.builder.name == "gettext":
            recorded = {self.text: self.text}   # extraction reads the role's source, not its value
        if self.text not in recorded:
            message = (f"{{eval}}`{self.text}` has no recorded value for {env.docname}: the English build "
                       "records one for every role it evaluates; rebuild it (make book).")
            return [], [self.inliner.reporter.error(message, line=self.line)]
        text = recorded[self.text]
        if WORD.search(text):   # words ("helps", "2017-09-01 to 2017-11-17") are translated too
            # a tally's phrase ("3 of the 5 seeds") is translated with its counts as placeholders
            translated = env.app.editions_values.get(text) or translate_tally(text, env.app.editions_values)
            if translated is None:
                message = (f"{{eval}}`{self.text}` shows {text!r}, which values.po does not translate: run "
                           "`make translation`, then translate the new entry of values.po.")
                return [], [self.inliner.reporter.error(message, line=self.line)]
            text = translated
        return [nodes.inline(text, text, classes=["output", "text_plain"])], []


CJK_EDGE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
NUMBER_LIST = re.compile(r"^\d+(?:\.\d+)?(?:, \d+(?:\.\d+)?)+$")   # "3, 6, 12, 24, 48"


class TightenChineseValues(SphinxTransform):
    """No space between a Chinese word and a Chinese value ("区间 之内" -> "区间之内"), and a list of
    numbers with the enumeration comma ("3, 6, 12 年" -> "3、6、12 年").

    The translations put a space around every {eval} role, right for a number ("为 52.3%"); when
    the role prints Chinese words (values.po), Chinese typesetting wants none.
    """

    default_priority = 102

    def apply(self, **kwargs) -> None:
        if self.config.language in (None, "en"):
            return
        for value in list(self.document.findall(nodes.inline)):
            if "text_plain" not in value.get("classes", []) or not value.astext():
                continue
            text = value.astext()
            if NUMBER_LIST.match(text):   # a list of numbers is written with the enumeration comma: 3、6、12
                text = text.replace(", ", "、")
                value.clear()
                value += nodes.Text(text)
            before, after = _sibling(value, -1), _sibling(value, +1)
            if CJK_EDGE.match(text[0]) and isinstance(before, nodes.Text) and re.search(r"\S\s+$", str(before)) \
                    and CJK_EDGE.match(str(before).rstrip()[-1]):
                before.parent.replace(before, nodes.Text(str(before).rstrip()))
            if CJK_EDGE.match(text[-1]) and isinstance(after, nodes.Text) and re.match(r"^\s+\S", str(after)) \
                    and CJK_EDGE.match(str(after).lstrip()[0]):
                after.parent.replace(after, nodes.Text(str(after).lstrip()))


class ChineseSolutionTitles(SphinxPostTransform):
    """A solution's title in word order: "练习 1 解答", not sphinx-exercise's "解答 练习 1".

    sphinx-exercise builds the title as its translated "Solution to" followed by a link to the
    exercise ("Exercise 1"); Chinese puts the exercise first. Runs after sphinx-exercise resolved the
    titles (its post-transform has priority 21).
    """

    default_priority = 22

    def run(self, **kwargs) -> None:
        if self.config.language in (None, "en"):
            return
        for title in self.document.findall(nodes.title):
            if "solution" not in type(title.parent).__name__ or len(title) != 2:
                continue
            label, link = title.children
            if isinstance(label, nodes.Text) and isinstance(link, nodes.reference):
                for text in link.findall(nodes.Text):   # " 练习 1" -> "练习 1"
                    text.parent.replace(text, nodes.Text(str(text).lstrip()))
                    break
                title.clear()
                title += [link, nodes.Text(f" {str(label).strip()}")]


def _sibling(node, step: int):
    parent = node.parent
    index = parent.index(node) + step
    return parent[index] if 0 <= index < len(parent) else None


def _page_catalog(transform: SphinxTransform) -> dict[str, str]:
    """The translations of the page being read (its catalog in locale_dirs), or {} in English."""
    if transform.config.language in (None, "en"):
        return {}
    domain = docname_to_domain(transform.env.docname, transform.config.gettext_compact)
    dirs = [str(Path(transform.env.srcdir, d)) for d in transform.config.locale_dirs]
    catalog, found = init_locale(dirs, transform.config.language, domain)
    return getattr(catalog, "_catalog", {}) if found else {}


class TranslateTocCaptions(SphinxTransform):
    """The part captions of _toc.yml ("Chapters"): sphinx-external-toc inserts them (priority 100)
    after Sphinx translated the page (20), so they are translated here, from the root page's catalog."""

    default_priority = 101

    def apply(self, **kwargs) -> None:
        known = _page_catalog(self)
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("caption")
            if caption and known.get(caption):
                toctree["caption"] = known[caption]


class TranslateMathBlocks(SphinxTransform):
    """Display equations whose translation differs (Chinese words in \\text{}) get it here.

    Sphinx's own transform re-parses a translated literal or math block as reStructuredText
    ("::" and an indented block); MyST reads that as a paragraph, and the equation rendered as
    "::". So the LaTeX is swapped in directly, and the node marked translated for Sphinx to skip.
    """

    default_priority = 19   # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs) -> None:
        if self.config.language in (None, "en"):
            return
        known = _page_catalog(self)
        for node in self.document.findall(nodes.math_block):
            message = node.rawsource or node.astext()
            translation = known.get(message)
            if translation and translation != message:
                node.children = [nodes.Text(translation)]
                node.rawsource = translation
                node["translated"] = True


class RequireTranslation(SphinxTransform):
    """Chinese build: every message of the English page must be in the page's catalog."""

    default_priority = 21   # right after sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs) -> None:
        if self.config.language in (None, "en"):
            return
        known = _page_catalog(self)
        translations = set(known.values())
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        for node, message in extract_messages(self.document):
            # A message with no English word ("练习", a formula, a number) needs no translation.
            # An image's alt text is translated in place (Sphinx marks no image translated).
            translated = isinstance(node, nodes.image) and message in translations
            if message not in known and not translated and WORD.search(message) and not _is_code_or_math(node):
                short = message if len(message) < 90 else message[:87] + "..."
                logger.warning(f"no Chinese translation for {short!r}: run `make translation`, then translate "
                               f"the new entry of locales/{self.config.language}/LC_MESSAGES/{domain}.po",
                               location=node, type="editions", subtype="untranslated")


def _is_code_or_math(node) -> bool:
    return isinstance(node, (nodes.math_block, nodes.literal_block, nodes.raw))


def _purge(app, env, docname) -> None:
    env.editions_eval.pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    env.editions_eval.update(other.editions_eval)


def _start(app: Sphinx) -> None:
    if not hasattr(app.env, "editions_eval"):
        app.env.editions_eval = {}
    app.editions_recorded, app.editions_values = {}, {}
    if _replaying(app):
        app.editions_values = _values_catalog(app)
        path = _values_path(app)
        if not path.exists() and app.builder.name != "gettext":
            raise FileNotFoundError(f"{path} is missing: build the English book first (make book), "
                                    "which records the values the Chinese edition shows.")
        if path.exists():
            app.editions_recorded = json.loads(path.read_text(encoding="utf-8"))


def _values_catalog(app: Sphinx) -> dict[str, str]:
    """values.po: the translations of the words {eval} roles print (not a page's catalog)."""
    if not app.config.locale_dirs:
        return {}
    path = Path(app.srcdir, app.config.locale_dirs[0], app.config.language, "LC_MESSAGES", "values.po")
    if not path.exists():
        return {}
    with open(path, "rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.id and m.string and not m.fuzzy}


def _write_values(app: Sphinx, exception) -> None:
    if exception is not None or _replaying(app) or app.builder.name != "html":
        return
    path = _values_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(app.env.editions_eval, ensure_ascii=False, indent=1, sort_keys=True),
                    encoding="utf-8")


def _switch_banner(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """A link to this page in the other edition: English at the root, Chinese under zh/."""
    language = app.config.language or "en"
    if language not in SWITCH:
        return
    to_root = "../" * pagename.count("/")
    target = f"{to_root}zh/{pagename}.html" if language == "en" else f"{to_root}../{pagename}.html"
    other = "zh-CN" if language == "en" else "en"
    context["theme_announcement"] = (
        f'<a class="edition-switch" href="{target}" hreflang="{other}" lang="{other}">{SWITCH[language]}</a>')


def setup(app: Sphinx) -> dict:
    # Empty in the English build (record); the Chinese build's _config.yml names the recorded file.
    app.add_config_value("editions_eval_values", "", "env")
    app.add_role("eval", RecordedEval(), override=True)
    app.add_transform(TranslateMathBlocks)
    app.add_transform(RequireTranslation)
    app.add_transform(TranslateTocCaptions)
    app.add_transform(TightenChineseValues)
    app.add_post_transform(ChineseSolutionTitles)
    app.connect("builder-inited", _start)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _write_values)
    app.connect("html-page-context", _switch_banner)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
