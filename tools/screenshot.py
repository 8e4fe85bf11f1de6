"""Screenshot a page of the built book in headless Chromium with the network blocked.

    python -m tools.screenshot book/intro.html _build/screenshot.png

Fails unless the page's equations were typeset by the book's own MathJax and nothing left the machine.
"""

import sys
from pathlib import Path

from tools.browser import browser, serve, visit


def main(path: str = "book/intro.html", out: str = "_build/screenshot.png") -> None:
    with serve() as base, browser() as b:
        report = visit(b, base, path, screenshot=Path(out))
    print(f"{out}: {report.math_typeset} of {report.math_in_source} equations typeset; "
          f"blocked requests: {report.blocked or 'none'}; console errors: {report.console_errors or 'none'}")
    if report.blocked or not report.math_typeset or report.console_errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main(*sys.argv[1:3])
