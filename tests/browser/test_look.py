"""How the pages look at a phone's width (390 pixels) and a desktop's (1280): screenshots of
every kind of page at both, saved where the run's summary says, and the layout rules:
results first on a phone, no sideways scrolling, side columns on wide screens."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.factories import build_site
from tests.helpers import log_in_browser, page_in_new_context

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

PAGE_TYPES = {
    "home": "/",
    "role-directory": "/roles/",
    "explainer": "/roles/chief-operating-officer/",
    "comparison": "/roles/compare/chief-operating-officer-vs-director-of-operations/",
    "search": "/jobs/?q=COO",
    "search-no-results": "/jobs/?q=astronaut",
    "posting": "/jobs/coo-region-1/",
    "company-directory": "/companies/",
    "company": "/companies/harbour-foods/",
    "for-employers": "/recruiters/",
    "login": "/accounts/login/",
    "sign-up": "/accounts/signup/",
}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from page_in_new_context(browser, viewport=PHONE)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from page_in_new_context(browser, viewport=DESKTOP)


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_every_kind_of_page_is_photographed_at_both_widths_without_sideways_scrolling(
    live_server, phone, desktop, screenshot_dir
):
    site = build_site()
    too_wide = {}
    for page, width in ((phone, 390), (desktop, 1280)):
        for name, path in PAGE_TYPES.items():
            page.goto(live_server.url + path)
            page.screenshot(path=screenshot_dir / f"{name}-{width}.png", full_page=True)
            if scroll_width(page) > width:
                too_wide[f"{name} at {width}"] = scroll_width(page)
    log_in_browser(desktop, live_server, site.recruiter)
    desktop.goto(live_server.url + "/recruiters/")
    desktop.screenshot(path=screenshot_dir / "dashboard-1280.png", full_page=True)

    assert too_wide == {}
    assert len(list(screenshot_dir.glob("*-390.png"))) == len(PAGE_TYPES)


def test_on_a_phone_the_first_result_is_in_the_first_screen_and_the_filters_fold_away(
    live_server, phone
):
    build_site()
    phone.goto(live_server.url + "/jobs/?q=COO")

    title = box(phone, ".result .result__title")
    assert title["y"] + title["height"] <= PHONE["height"]
    expect(phone.get_by_label("Role", exact=True)).to_be_hidden()
    phone.locator(".filters__summary").click()
    expect(phone.get_by_label("Role", exact=True)).to_be_visible()
    for path in (
        "/jobs/?q=COO",
        "/roles/compare/chief-operating-officer-vs-director-of-operations/",
    ):
        for width in (320, 390):
            phone.set_viewport_size({"width": width, "height": 844})
            phone.goto(live_server.url + path)
            assert scroll_width(phone) <= width, (path, width)


def test_on_a_wide_screen_the_filters_are_a_column_beside_the_results(live_server, desktop):
    build_site()
    desktop.goto(live_server.url + "/jobs/?q=COO")

    filters, results = box(desktop, ".job-search"), box(desktop, ".result")
    expect(desktop.get_by_label("Role", exact=True)).to_be_visible()
    expect(desktop.locator(".filters__summary")).to_be_hidden()
    assert filters["x"] + filters["width"] <= results["x"]
    assert results["y"] < DESKTOP["height"]


def test_the_explainer_gives_facts_first_on_a_phone_and_in_a_side_column_when_wide(
    live_server, phone, desktop
):
    build_site()
    path = "/roles/chief-operating-officer/"
    phone.goto(live_server.url + path)
    desktop.goto(live_server.url + path)

    assert (
        box(phone, ".key-facts")["y"] < box(phone, "#overview-title, #responsibilities-title")["y"]
    )
    facts, text = box(desktop, ".key-facts"), box(desktop, ".role-layout__main")
    assert text["x"] + text["width"] <= facts["x"]
    expect(desktop.locator(".key-facts").get_by_text("On this page")).to_be_visible()


def test_the_apply_panel_stays_in_view_on_a_wide_screen(live_server, desktop):
    build_site()
    desktop.goto(live_server.url + "/jobs/coo-region-1/")

    panel, text = box(desktop, ".apply-panel"), box(desktop, ".posting")
    assert text["x"] + text["width"] <= panel["x"]
    desktop.mouse.wheel(0, 1500)
    desktop.wait_for_timeout(100)
    expect(desktop.locator(".apply-panel")).to_be_in_viewport()


def test_the_comparison_stacks_both_roles_on_a_phone(live_server, phone):
    build_site()
    phone.goto(
        live_server.url + "/roles/compare/chief-operating-officer-vs-director-of-operations/"
    )

    cells = phone.locator(".compare-table tbody tr").first.locator("td")
    first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]
    assert first["x"] + first["width"] <= PHONE["width"]
