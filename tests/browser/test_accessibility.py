"""axe-core finds no violations on the pages people see."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_has_no_accessibility_violations(live_server, page):
    page.goto(live_server.url + "/")

    assert axe_violations(page) == []


def test_not_found_page_has_no_accessibility_violations(live_server, page):
    page.goto(live_server.url + "/no-such-page/")

    assert axe_violations(page) == []


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(live_server, page):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
