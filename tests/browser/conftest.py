"""Real-browser fixtures: Debian's Chromium driven by Playwright, axe-core injected."""

import os
import shutil

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from audit.chromium import CHROMIUM_ARGS

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
def page(browser: Browser) -> Page:
    # bypass_csp lets the test inject axe-core; the site's own CSP forbids inline scripts.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser: Browser) -> Page:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(params=["with JavaScript", "without JavaScript"])
def any_page(request) -> Page:
    """Each journey runs twice: no page may need JavaScript to work."""
    name = "page" if request.param == "with JavaScript" else "page_without_js"
    return request.getfixturevalue(name)


@pytest.fixture
def small_page(browser: Browser) -> Page:
    """A 320-pixel-wide phone screen, the narrowest WCAG's reflow rule asks for."""
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
