"""Real-browser fixtures: Debian's Chromium driven by Playwright, axe-core injected."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from audit.chromium import CHROMIUM_ARGS
from tests.helpers import page_in_new_context

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# beside it are still synchronous, so Django's async-safety guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Browser:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: `make test` installs it (scripts/ensure-browser).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp lets the test inject axe-core; the site's own CSP forbids inline scripts.
    yield from page_in_new_context(
        browser, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )


@pytest.fixture
def dark_page(browser: Browser) -> Iterator[Page]:
    """A wide screen whose visitor prefers the dark colour scheme."""
    yield from page_in_new_context(
        browser, viewport={"width": 1280, "height": 900}, bypass_csp=True, color_scheme="dark"
    )


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    yield from page_in_new_context(browser, java_script_enabled=False)


@pytest.fixture(params=["with JavaScript", "without JavaScript"])
def any_page(request) -> Page:
    """Each journey runs twice: no page may need JavaScript to work."""
    name = "page" if request.param == "with JavaScript" else "page_without_js"
    return request.getfixturevalue(name)


@pytest.fixture
def small_page(browser: Browser) -> Iterator[Page]:
    """A 320-pixel-wide phone screen, the narrowest WCAG's reflow rule asks for."""
    yield from page_in_new_context(browser, viewport={"width": 320, "height": 640}, bypass_csp=True)


SCREENSHOTS = pytest.StashKey[Path]()


@pytest.fixture(scope="session")
def screenshot_dir(request, tmp_path_factory) -> Path:
    """Where the browser tests save their screenshots: SCREENSHOT_DIR if set, else a folder
    of the test run's own; the run's summary names it."""
    chosen = os.environ.get("SCREENSHOT_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[SCREENSHOTS] = folder
    return folder


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    folder = config.stash.get(SCREENSHOTS, None)
    if folder is not None:
        terminalreporter.write_line(f"Screenshots of the pages: {folder}")
