"""The posting form's checklist and title warning follow what the recruiter types, in a
real browser; without JavaScript they follow each save."""

import pytest
from playwright.sync_api import expect

from tests.factories import build_site
from tests.helpers import log_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_checklist_and_the_title_warning_follow_the_typing(live_server, page):
    site = build_site()
    log_in_browser(page, live_server, site.recruiter)
    page.goto(live_server.url + "/recruiters/postings/new/?role=chief-operating-officer")
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("Missing: Description of reasonable length")

    page.get_by_label("Description").fill("We run depots across the north. " * 12)
    page.get_by_label("Job title").fill("Chief Operating Officer (Frankfurt)")

    expect(checklist).to_contain_text("Done: Description of reasonable length")
    expect(page.get_by_text("The job title names a place:")).to_be_visible()
    expect(page.get_by_text("Frankfurt.", exact=False).first).to_be_visible()


def test_without_javascript_the_form_saves_and_the_checklist_follows_the_save(
    live_server, page_without_js
):
    page = page_without_js
    site = build_site()
    log_in_browser(page, live_server, site.recruiter)
    page.goto(live_server.url + "/recruiters/postings/new/?role=chief-operating-officer")

    page.get_by_label("Description").fill("We run depots across the north. " * 12)
    page.get_by_label("Salary from").fill("90000")
    page.get_by_label("Salary up to").fill("10")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#checklist")).to_contain_text("Done: Description of reasonable length")
