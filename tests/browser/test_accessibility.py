"""axe-core finds no violations on the pages people see."""

import io
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from postings import accounts, logos
from seekers.models import SavedJob
from tests.alerts.helpers import alert_pages
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    build_site,
)
from tests.helpers import (
    axe_violations,
    broken_references,
    image_bytes,
    log_in_browser,
    notification_links,
)

PASSWORD = "a fine long passphrase 7"

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


PUBLIC_PAGES = {
    "home": "/",
    "role directory": "/roles/",
    "role directory, filtered": "/roles/?level=executive",
    "role directory with a filter error": "/roles/?function=nonsense",
    "explainer": "/roles/chief-operating-officer/",
    "explainer, pay in a metro area": "/roles/chief-operating-officer/?area=0041860",
    "comparison": "/roles/compare/chief-operating-officer-vs-director-of-operations/",
    "comparison picker": "/roles/compare/",
    "search with results": "/jobs/?q=COO&workplace=remote",
    "search without results": "/jobs/?q=astronaut",
    "search with a misspelling corrected": "/jobs/?q=oprations",
    "search offering a correction": "/jobs/?q=oprations&literal=1",
    "search with a form error": "/jobs/?salary_min=lots&posted_within=9999",
    "posting detail": "/jobs/coo-region-1/",
    "company directory": "/companies/",
    "company page": "/companies/harbour-foods/",
    "for employers": "/recruiters/",
    "closed posting": "/jobs/closed-coo/",
    "login": "/accounts/login/",
    "sign-up": "/accounts/signup/",
    "sign-up sent": "/accounts/signup/done/",
    "broken confirmation link": "/accounts/verify/not-a-token/",
    "password reset": "/accounts/password_reset/",
    "broken invitation link": "/accounts/invitations/not-a-token/",
}


def problems(page) -> list:
    """axe's violations, and ARIA references to ids that are not on the page."""
    return axe_violations(page) + broken_references(page)


def violations_on(page, live_server, paths: dict[str, str]) -> dict[str, list]:
    found = {}
    for name, path in paths.items():
        page.goto(live_server.url + path)
        found[name] = problems(page)
    return found


def with_logo(site):
    """The site's employer with a logo, as its pages show it."""
    site.organisation.set_logo(logos.store(io.BytesIO(image_bytes())))
    return site


def test_public_pages_have_no_accessibility_violations(live_server, page):
    site = with_logo(build_site())
    paths = {
        **PUBLIC_PAGES,
        "email confirmation": urlsplit(
            accounts.verification_url(UserFactory(unverified=True))
        ).path,
        **notification_links(site),
    }
    found = violations_on(page, live_server, paths)

    # The pages after pressing each link's one button.
    for name, button in [("unsubscribe link", "Unsubscribe"), ("extend link", "Extend by")]:
        page.goto(live_server.url + paths[name])
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("heading", level=1)).not_to_have_text(button)
        found[f"{name}, pressed"] = problems(page)

    assert found == {name: [] for name in found}


def test_alert_pages_have_no_accessibility_violations(live_server, page):
    build_site()
    paths = alert_pages()
    found = violations_on(page, live_server, paths)

    page.goto(live_server.url + paths["alert sign-up"])
    page.get_by_label("Your email address").fill("not-an-address@")
    page.get_by_role("button", name="Email me these jobs").click()
    found["alert sign-up with errors"] = problems(page)

    user = UserFactory()
    log_in_browser(page, live_server, user)
    found |= violations_on(page, live_server, {"alert list": "/alerts/"})

    assert found == {name: [] for name in found}


def test_public_pages_have_no_accessibility_violations_in_dark_mode(live_server, dark_page):
    """The dark colours (prefers-color-scheme) keep their contrast: axe checks them too."""
    with_logo(build_site())

    assert violations_on(dark_page, live_server, PUBLIC_PAGES) == {
        name: [] for name in PUBLIC_PAGES
    }


def test_forms_showing_errors_have_no_accessibility_violations(live_server, page):
    site = build_site()
    found = {}

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["login with errors"] = problems(page)

    # Values the browser's own checks let through, so the server's errors show.
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Your name").fill("Mira")
    page.get_by_label("Email address").fill(site.recruiter.username)
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_label("Password again").fill("different")
    page.get_by_label("I’m hiring").check()
    page.get_by_label("Organisation name").fill("Harbour Foods")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["sign-up with errors"] = problems(page)

    assert found == {name: [] for name in found}


def test_recruiter_pages_have_no_accessibility_violations(live_server, page):
    site = with_logo(build_site())
    MembershipFactory(organisation=site.organisation)
    InvitationFactory(organisation=site.organisation, invited_by=site.recruiter)
    log_in_browser(page, live_server, site.recruiter)
    found = violations_on(
        page,
        live_server,
        {
            "dashboard": "/recruiters/",
            "organisation settings": "/recruiters/organisation/",
            "team": "/recruiters/invitations/",
            "notification preferences": "/recruiters/notifications/",
            "role picker": "/recruiters/postings/new/",
            "new posting form": "/recruiters/postings/new/?role=chief-operating-officer",
            "posting form, filled": f"/recruiters/postings/{site.posting.pk}/",
            "posting preview": f"/recruiters/postings/{site.posting.pk}/preview/",
        },
    )

    page.goto(live_server.url + f"/recruiters/postings/{site.posting.pk}/")
    page.get_by_label("Salary from").fill("90000")
    page.get_by_label("Salary up to").fill("10")
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_label("Job title").fill("Office Manager (Frankfurt)")  # a title's warning
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["posting form with errors"] = problems(page)

    # A name the browser lets through and the server refuses: a verified employer's.
    OrganisationFactory(name="Meridian Freight", is_verified=True)
    page.goto(live_server.url + "/recruiters/organisation/")
    page.get_by_label("Organisation name").fill("Meridian Freight Ltd")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["organisation settings with errors"] = problems(page)

    assert found == {name: [] for name in found}


def test_job_seeker_pages_have_no_accessibility_violations(live_server, page):
    site = with_logo(build_site())
    seeker = UserFactory(username="ada@example.com", email="ada@example.com", first_name="Ada")
    SavedJob.objects.create(user=seeker, posting=site.posting)
    log_in_browser(page, live_server, seeker)
    found = violations_on(
        page,
        live_server,
        {
            "my jobs": "/me/",
            "save a job": f"/me/saved/{site.posting.pk}/save/",
            "delete account": "/me/delete/",
            "posting detail, signed in": site.posting.get_absolute_url(),
            "search, signed in": "/jobs/?q=COO",
        },
    )

    page.goto(live_server.url + "/me/delete/")
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["delete account with errors"] = problems(page)

    assert found == {name: [] for name in found}


def test_focused_links_and_buttons_show_a_visible_outline(live_server, page):
    page.goto(live_server.url + "/")
    outlines = {}
    for _ in range(30):
        page.keyboard.press("Tab")
        tag = page.evaluate("document.activeElement.tagName")
        if tag in {"A", "BUTTON", "INPUT"} and tag not in outlines:
            outlines[tag] = page.evaluate(
                "(() => { const style = getComputedStyle(document.activeElement);"
                " return [style.outlineStyle, style.outlineWidth]; })()"
            )
        if len(outlines) == 3:
            break

    assert set(outlines) == {"A", "BUTTON", "INPUT"}
    for style, width in outlines.values():
        assert style != "none"
        assert float(width.removesuffix("px")) >= 2


def test_a_form_with_errors_announces_them_and_ties_each_to_its_field(live_server, page):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Email address").fill("sam@northwind.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD + " but different")
    page.get_by_label("I’m hiring").check()
    page.get_by_label("Organisation name").fill("Northwind Freight")
    page.get_by_role("button", name="Create my account").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the following")
    expect(summary.get_by_role("link", name=re.compile("^Password again:"))).to_be_visible()
    again = page.get_by_label("Password again")
    expect(again).to_have_attribute("aria-invalid", "true")
    described_by = again.get_attribute("aria-describedby").split()
    descriptions = " ".join(page.locator(f"#{id_}").inner_text() for id_ in described_by)
    assert "The two passwords differ" in descriptions
    expect(page.get_by_label("Your name")).not_to_have_attribute("aria-invalid", "true")

    summary.get_by_role("link", name=re.compile("^Password again:")).click()
    expect(again).to_be_focused()


def test_axe_reports_a_page_with_problems(page):
    """Guards the guard: axe that silently checked nothing would pass every page."""
    page.set_content(
        '<!doctype html><html><title>x</title><main><img src="a.png">'
        '<p style="color:#bbb;background:#fff">Faint</p><input id="q"></main></html>'
    )

    found = {violation["id"] for violation in axe_violations(page)}

    assert {"image-alt", "color-contrast", "label", "html-has-lang"} <= found
