"""The API reference page (book/api.md) and the links to it from the chapters.

- ``.. companion-api::`` (inside an ``{eval-rst}`` block: autodoc writes reStructuredText) writes
  one section per module of companion, and in it an autodoc entry for each public object whose
  home is that module (book/_ext/api_names.py decides what is public). A name added to a module's
  ``__all__`` appears on the next build; nothing on the page lists names by hand.
- The docstrings are English in both editions: the generated entries are marked untranslatable, so
  the Chinese catalog of the page holds its title and introduction only.
- A name a docstring writes in single backticks shows as code, linked to its entry (or its
  module's section) when it names a public object (or a module) of companion.
- On every other page, the first inline code literal that names a public object (```fit```,
  ```companion.train.fit```, ```Standardizer```, ```prepare(source, DataConfig)```) becomes a link
  to its entry; later mentions on the page stay plain. A name links only when it resolves to one
  object: a short name that two objects share stays plain. The link is an ordinary Python-domain
  cross-reference, so with -n a link to a missing entry fails the build.
"""

from __future__ import annotations

import re
from functools import lru_cache

from api_names import public_entries, public_names
from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.ext import napoleon
from sphinx.pycode import ModuleAnalyzer
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

API_PAGE = "book/api"
# A literal that is a dotted name, or a call of one: `fit`, `companion.train.fit(model, train, val)`.
NAMED = re.compile(r"^\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:\(.*\))?\s*$", re.DOTALL)
LONG_VALUE = 60   # characters: a constant whose repr is longer is shown without its value


def _entry_lines(entry) -> list[str]:
    """The autodoc directive of one entry, in reStructuredText."""
    if entry.kind == "class":
        return [f".. autoclass:: {entry.path}", "   :members:", ""]
    if entry.kind == "function":
        return [f".. autofunction:: {entry.path}", ""]
    module, name = entry.path.rsplit(".", 1)
    value = getattr(__import__(module, fromlist=[name]), name)
    options = ["   :no-value:"] if len(repr(value)) > LONG_VALUE else []
    return [f".. autodata:: {entry.path}", *options, ""]


def api_source() -> list[str]:
    """The page's reStructuredText: a section per module, its docstring, then its entries."""
    lines: list[str] = []
    module = None
    for entry in public_entries():
        if entry.module != module:
            module = entry.module
            lines += [module, "=" * len(module), "", f".. automodule:: {module}", ""]
        lines += _entry_lines(entry)
    return lines


class CompanionApi(SphinxDirective):
    """``.. companion-api::``: every public object of companion, documented by autodoc."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        holder = nodes.section()   # a section, so that the module titles may nest in it
        holder.document = self.state.document
        nested_parse_with_titles(self.state, StringList(api_source(), source="companion-api"), holder)
        for cited in list(holder.findall(nodes.title_reference)):
            cited.parent.replace(cited, _docstring_name(cited.astext()))
        # English in both editions: no catalog message, no "untranslated" warning in Chinese.
        # Blocks, and the inline nodes Sphinx marked translatable (a field's body, e.g. Returns);
        # other inline nodes are not translated anyway, and a "translatable" key on a signature's
        # parts made Sphinx write them out of order ("=configNone").
        for text in holder.findall(nodes.TextElement):
            if not isinstance(text, nodes.Inline) or "translatable" in text:
                text["translatable"] = False
        return holder.children


def _docstring_name(text: str) -> nodes.Node:
    """A name a docstring wrote in single backticks (`batch_proba`, `companion.metrics`), which reST
    would set in italics: code, linked to its entry or module section when it names one."""
    literal = nodes.literal(text, text)
    if target := api_target(text):
        return _xref(literal, target)
    if text in _modules():
        return _xref(literal, text, reftype="mod")
    return literal


@lru_cache(maxsize=1)
def _modules() -> set[str]:
    return {entry.module for entry in public_entries()}


def _entry_docstring(app, what, name, obj, options, lines) -> None:
    """A constant shows its own doc comment (``#:``) or nothing, never its type's docstring (autodoc
    would print pandas.DataFrame's for UNIVERSE); an entry names its other paths (companion.get_device)."""
    entry = _entries_by_path().get(name)
    if what == "data" and not _has_doc_comment(name):
        lines.clear()
    if entry and entry.aliases:
        also = ", ".join(f"``{alias}``" for alias in entry.aliases)
        lines += ["", f"Also importable as {also}."]


def _has_doc_comment(path: str) -> bool:
    module, name = path.rsplit(".", 1)
    return ("", name) in ModuleAnalyzer.for_module(module).find_attr_docs()


@lru_cache(maxsize=1)
def _entries_by_path() -> dict:
    return {entry.path: entry for entry in public_entries()}


@lru_cache(maxsize=1)
def _resolver() -> dict[str, str]:
    """Every way a literal may write a public name -> the entry it documents, when only one.

    "companion.train.fit", "train.fit" and "fit" all mean companion.train.fit; a suffix that two
    objects share (none today; a new module could add one) maps to nothing.
    """
    candidates: dict[str, set[str]] = {}
    for name, home in public_names().items():
        parts = name.split(".")
        for start in range(len(parts)):
            candidates.setdefault(".".join(parts[start:]), set()).add(home)
    return {written: homes.pop() for written, homes in candidates.items() if len(homes) == 1}


def api_target(literal: str) -> str | None:
    """The entry an inline code literal names (`fit(...)` -> "companion.train.fit"), or None."""
    match = NAMED.match(literal)
    return _resolver().get(match.group(1)) if match else None


class LinkApiNames(SphinxTransform):
    """The first literal naming each public object on a page becomes a link to its API entry.

    After the Chinese translation is applied (Locale, priority 20): translations keep the inline
    code of the English, so both editions link the same names.
    """

    default_priority = 400

    def apply(self, **kwargs) -> None:
        if self.env.docname == API_PAGE:
            return
        linked: set[str] = set()
        for literal in list(self.document.findall(nodes.literal)):
            target = api_target(literal.astext())
            if target is None or target in linked or _inside_link_or_title(literal):
                continue
            linked.add(target)
            literal["classes"] = [*literal.get("classes", []), "api-link"]   # a chapter's link
            literal.parent.replace(literal, _xref(literal, target))


def _inside_link_or_title(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.reference, addnodes.pending_xref, nodes.title, nodes.rubric,
                               addnodes.desc_signature, nodes.term)):
            return True
        parent = parent.parent
    return False


def _xref(literal: nodes.literal, target: str, reftype: str = "obj") -> addnodes.pending_xref:
    """`literal`, wrapped in a cross-reference to the Python object `target` (as {py:obj} would;
    ``reftype="mod"`` for a module)."""
    ref = addnodes.pending_xref("", refdomain="py", reftype=reftype, reftarget=target, refexplicit=True,
                                refwarn=True, **{"py:module": None, "py:class": None})
    ref.source, ref.line = literal.source, literal.line
    literal["classes"] = [*literal.get("classes", []), "xref", "py", f"py-{reftype}"]
    ref += literal.deepcopy()
    return ref


def _napoleon_except_constants(app, what, name, obj, options, lines) -> None:
    """Napoleon for functions and classes; a constant's doc comment stays as written (napoleon would
    read "Every shipped security: code, ..." as a type, "Every shipped security", and a description)."""
    if what not in ("data", "attribute"):
        lines[:] = described_not_typed(lines)
        napoleon._process_docstring(app, what, name, obj, options, lines)


# numpy's layout: a heading, then a line of dashes as long.
FIELD_SECTIONS = {"Parameters", "Other Parameters", "Attributes"}
ONE_LINE_FIELD = re.compile(r"^(\*{0,2}[A-Za-z_]\w*(?:, \*{0,2}[A-Za-z_]\w*)*) : (.+)$")


def described_not_typed(lines: list[str]) -> list[str]:
    """The course's docstrings may write a parameter on one line, ``name : what it is``, where numpy's
    layout puts the type: rewritten as numpy's ``name`` line with the description indented under
    it, so that napoleon shows a description, not a type (the docstrings never give types there)."""
    out: list[str] = []
    section = None
    for i, line in enumerate(lines):
        underline = lines[i + 1] if i + 1 < len(lines) else ""
        if underline.strip() and set(underline.strip()) == {"-"} and len(underline.strip()) == len(line.strip()):
            section = line.strip()
        elif section in FIELD_SECTIONS and (field := ONE_LINE_FIELD.match(line)):
            out += [field.group(1), "    " + field.group(2)]
            continue
        out.append(line)
    return out


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx.ext.autodoc")
    app.setup_extension("sphinx.ext.napoleon")
    for listener in list(app.events.listeners["autodoc-process-docstring"]):
        if listener.handler is napoleon._process_docstring:
            app.disconnect(listener.id)
    app.connect("autodoc-process-docstring", _napoleon_except_constants)
    app.add_directive("companion-api", CompanionApi)
    app.connect("autodoc-process-docstring", _entry_docstring)
    app.add_transform(LinkApiNames)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
