"""A Sphinx extension that keeps the rendered book free of network requests.

Jupyter Book 1 always loads sphinx-thebe, which injects (twice) a script naming a CDN copy of
thebe; the course does not use live code cells, so its scripts are dropped from every page.
"""

from sphinx.application import Sphinx


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files", [])
    context["script_files"] = [
        s for s in scripts
        if "thebe" not in str(getattr(s, "filename", "") or "").lower()
        and "THEBE_JS_URL" not in str(getattr(s, "attributes", {}).get("body", ""))
    ]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
