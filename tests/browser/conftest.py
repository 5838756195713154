"""Real-browser fixtures: Debian's Chromium driven by Playwright, axe-core injected."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from audit.chromium import CHROMIUM_ARGS

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# beside it are still synchronous, so Django's async-safety guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_SCRIPT = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


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


BROKEN_REFERENCES = """() => {
  const broken = [];
  for (const attribute of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          broken.push(`${element.id || element.tagName} ${attribute} ${id}`);
        }
      }
    }
  }
  return broken;
}"""


def broken_references(page: Page) -> list[str]:
    """aria-describedby and its kin naming an id that is not on the page: an error message
    or a hint a screen reader would never announce. axe lets these pass when one id exists."""
    return page.evaluate(BROKEN_REFERENCES)


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the current page, as short readable dicts."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]


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


def log_in(page: Page, live_server, user) -> None:
    """Give the browser a logged-in session without going through the login form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
