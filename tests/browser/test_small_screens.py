"""Pages fit a 320-pixel-wide phone without sideways scrolling, and print without the chrome."""

import pytest
from playwright.sync_api import expect

from tests.alerts.helpers import alert_pages
from tests.factories import build_site
from tests.helpers import log_in_browser, notification_links

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = 320

PUBLIC_PAGES = {
    "home": "/",
    "role directory": "/roles/",
    "explainer": "/roles/chief-operating-officer/",
    "explainer, pay in a metro area": "/roles/chief-operating-officer/?area=0041860",
    "comparison": "/roles/compare/chief-operating-officer-vs-director-of-operations/",
    "comparison picker": "/roles/compare/",
    "search with results": "/jobs/?q=COO&workplace=remote",
    "search without results": "/jobs/?q=astronaut",
    "posting detail": "/jobs/coo-region-1/",
    "company directory": "/companies/",
    "company page": "/companies/harbour-foods/",
    "for employers": "/recruiters/",
    "login": "/accounts/login/",
    "sign-up": "/accounts/signup/",
}

# The widest element inside the page, to name the culprit when a page overflows.
WIDEST = """() => {
  let widest = null;
  for (const element of document.body.querySelectorAll('*')) {
    const right = element.getBoundingClientRect().right;
    if (!widest || right > widest.right) {
      widest = {right, tag: element.tagName, cls: element.className};
    }
  }
  return widest;
}"""


def overflow(page, live_server, paths: dict[str, str]) -> dict[str, object]:
    """Each page whose document is wider than the screen, with its widest element."""
    found = {}
    for name, path in paths.items():
        page.goto(live_server.url + path)
        if page.evaluate("document.documentElement.scrollWidth") > NARROW:
            found[name] = page.evaluate(WIDEST)
    return found


def test_no_page_scrolls_sideways_on_a_320_pixel_screen(live_server, small_page):
    site = build_site()
    found = overflow(small_page, live_server, {**PUBLIC_PAGES, **notification_links(site)})

    log_in_browser(small_page, live_server, site.recruiter)
    found |= overflow(
        small_page,
        live_server,
        {
            "dashboard": "/recruiters/",
            "notification preferences": "/recruiters/notifications/",
            "posting form": f"/recruiters/postings/{site.posting.pk}/",
            "posting preview": f"/recruiters/postings/{site.posting.pk}/preview/",
            "my jobs": "/me/",
            "posting detail, signed in": site.posting.get_absolute_url(),
            "search, signed in": "/jobs/?q=COO",
            "delete account": "/me/delete/",
        },
    )

    assert found == {}


def test_no_alert_page_scrolls_sideways_on_a_320_pixel_screen(live_server, small_page):
    build_site()
    assert overflow(small_page, live_server, alert_pages()) == {}


def test_navigation_and_search_work_on_a_320_pixel_screen(live_server, small_page):
    build_site()
    page = small_page
    page.goto(live_server.url + "/")

    navigation = page.get_by_role("navigation", name="Main")
    for name in ("Roles", "Jobs", "For recruiters"):
        link = navigation.get_by_role("link", name=name)
        expect(link).to_be_in_viewport()
        box = link.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= NARROW
        # WCAG 2.2's minimum target size: 24 by 24 CSS pixels.
        assert box["height"] >= 24

    search = page.get_by_label("Search jobs")
    box = search.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= NARROW
    search.fill("COO")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobs matching “COO”")

    navigation.get_by_role("link", name="Roles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roles explained")


@pytest.mark.parametrize(
    "path",
    ["/", "/jobs/?q=COO", "/roles/chief-operating-officer/", "/jobs/coo-region-1/"],
)
def test_printing_shows_the_content_without_header_navigation_or_search(live_server, page, path):
    build_site()
    page.goto(live_server.url + path)
    page.emulate_media(media="print")

    expect(page.get_by_role("banner")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("search")).to_be_hidden()
    expect(page.get_by_role("contentinfo")).to_be_hidden()
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.emulate_media(media="screen")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
