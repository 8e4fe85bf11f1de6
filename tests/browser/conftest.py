"""The one served book and headless Chromium that the browser tests share, per test module."""

import pytest

from tools.browser import HTML, browser, serve


@pytest.fixture(scope="module")
def site():
    """(browser, base URL) on the built book, served on 127.0.0.1."""
    with serve(HTML) as base, browser() as b:
        yield b, base
