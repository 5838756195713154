"""What people come to do, in a real browser, with JavaScript on and off: no step may need it."""

import re

import pytest
from playwright.sync_api import expect

from postings.models import Posting
from tests.factories import ON_SITE_COO_POSTINGS, REMOTE_COO_POSTINGS, build_site

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a fine long passphrase 7"


def test_a_job_seeker_searches_filters_pages_and_opens_a_posting(live_server, any_page):
    build_site()
    page = any_page
    page.goto(live_server.url + "/jobs/")

    page.get_by_label("Keywords").fill("COO")
    page.get_by_role("button", name="Search", exact=True).click()
    open_coo_postings = REMOTE_COO_POSTINGS + ON_SITE_COO_POSTINGS
    expect(
        page.get_by_role("heading", name=f"{open_coo_postings} jobs, page 1 of 2")
    ).to_be_visible()

    page.get_by_label("Workplace").select_option(value="remote")
    page.get_by_role("button", name="Show jobs").click()
    expect(page).to_have_url(re.compile(r"workplace=remote"))
    expect(page.get_by_label("Keywords")).to_have_value("COO")
    expect(
        page.get_by_role("heading", name=f"{REMOTE_COO_POSTINGS} jobs, page 1 of 2")
    ).to_be_visible()

    page.get_by_role("link", name="Next page").click()
    expect(
        page.get_by_role("heading", name=f"{REMOTE_COO_POSTINGS} jobs, page 2 of 2")
    ).to_be_visible()
    # Each result is a card of the list, with its facts in a list of their own.
    cards = page.locator("ol.result-list > li")
    expect(cards).to_have_count(REMOTE_COO_POSTINGS - 20)

    first = cards.first.get_by_role("heading", level=3).get_by_role("link")
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    # The apply button in view (in the text on a phone, in the panel beside it on a wide
    # screen) goes through the click counter to the employer's page.
    apply = page.get_by_role("link", name=re.compile(r"^Apply on")).locator("visible=true")
    href = apply.first.get_attribute("href")
    assert re.fullmatch(r"/jobs/[\w-]+/apply/", href)
    forwarded = page.request.get(live_server.url + href, max_redirects=0)
    assert forwarded.headers["location"] == "https://example.com/apply"


def test_a_job_seeker_reads_an_explainer_and_follows_a_career_step(live_server, any_page):
    build_site()
    page = any_page
    page.goto(live_server.url + "/roles/")
    page.get_by_role("link", name="Chief Operating Officer (COO)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What is a Chief Operating Officer (COO)?"
    )
    expect(page.get_by_text("Oversee daily operations across every site.")).to_be_visible()
    career_path = page.get_by_role("region", name="Career path")
    expect(career_path.get_by_text("Director of Operations")).to_be_visible()

    career_path.get_by_role("link", name="Chief Executive Officer").click()
    expect(page).to_have_url(live_server.url + "/roles/chief-executive-officer/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What is a Chief Executive Officer (CEO)?"
    )


def test_a_recruiter_signs_up_publishes_a_posting_and_finds_it_public(
    live_server, any_page, mailoutbox, settings
):
    build_site()
    # Mail links are built from the public origin, which is the test server here.
    settings.SITE_URL = live_server.url
    page = any_page
    page.goto(live_server.url + "/accounts/signup/")

    page.get_by_label("Your name").fill("Sam Okafor")
    page.get_by_label("Email address").fill("sam@northwind.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_label("I’m hiring").check()
    page.get_by_label("Organisation name").fill("Northwind Freight")
    # The address is at the website's domain: once confirmed, the organisation is domain
    # verified and publishes without waiting for staff.
    page.get_by_label("Organisation website").fill("https://northwind.example")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    # The verification mail's link, with the password chosen, confirms the address and logs in.
    [message] = mailoutbox
    assert message.to == ["sam@northwind.example"]
    page.goto(re.search(r"https?://\S+/accounts/verify/\S+/", message.body).group(0))
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northwind Freight: your postings")
    expect(page.get_by_text("Domain verified.")).to_be_visible()

    page.get_by_role("link", name="New posting").click()
    page.get_by_label("Role").select_option(label="Chief Operating Officer (COO)")
    page.get_by_role("button", name="Start the posting").click()
    expect(page.get_by_label("Job title")).to_have_value("Chief Operating Officer")
    expect(page.get_by_label("Responsibilities")).to_contain_text("Oversee daily operations")

    page.get_by_label("Job title").fill("Chief Operating Officer, Northwind Freight")
    page.get_by_label("Description").fill("Run our depots and fleet across the north.")
    page.get_by_label("City").fill("Leeds")
    page.get_by_label("Country").select_option(label="United Kingdom")
    page.get_by_label("Apply link").fill("https://northwind.example/jobs/coo")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    posting = Posting.objects.get(title="Chief Operating Officer, Northwind Freight")
    assert posting.status == Posting.Status.DRAFT

    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_text("Preview — not yet public.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(posting.title)
    page.go_back()

    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Published. It is on the public site now.")).to_be_visible()
    page.get_by_role("link", name="See it on the site").click()
    expect(page).to_have_url(live_server.url + posting.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(posting.title)
    expect(page.get_by_text("Leeds, United Kingdom", exact=True)).to_be_visible()

    page.goto(live_server.url + "/jobs/?q=Northwind")
    page.get_by_role("link", name=posting.title).click()
    expect(page).to_have_url(live_server.url + posting.get_absolute_url())


def test_a_job_seeker_signs_up_saves_a_job_from_the_search_and_finds_it_in_my_jobs(
    live_server, any_page, mailoutbox, settings, request
):
    build_site()
    settings.SITE_URL = live_server.url
    page = any_page
    page.goto(live_server.url + "/jobs/?q=COO")
    first = page.locator(".result").first
    title = first.get_by_role("heading", level=3).inner_text()

    # Anonymous: "Save" leads to logging in, and from there to signing up.
    first.get_by_role("link", name=re.compile("^Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_role("link", name="Sign up").last.click()
    expect(page.get_by_label("I’m looking for a job")).to_be_checked()
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    [message] = mailoutbox
    page.goto(re.search(r"https?://\S+/accounts/verify/\S+/", message.body).group(0))
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My jobs")
    expect(page.get_by_text("Signed in as Ada")).to_be_visible()

    page.goto(live_server.url + "/jobs/?q=COO")
    page.locator(".result").first.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_text(f"Saved “{title}” to My jobs.")).to_be_visible()
    page.get_by_role("link", name="My jobs").first.click()
    saved = page.locator(".saved-job")
    expect(saved).to_have_count(1)
    expect(saved.get_by_role("link", name=title)).to_be_visible()
    expect(saved.get_by_text("Open", exact=True)).to_be_visible()

    # The posting's share row: email and LinkedIn work as links; "Copy link" needs JavaScript.
    saved.get_by_role("link", name=title).click()
    expect(page.get_by_role("link", name="Email", exact=True)).to_have_attribute(
        "href", re.compile(r"^mailto:\?subject=")
    )
    copy = page.get_by_role("button", name="Copy link")
    if "without" in request.node.callspec.params["any_page"]:
        expect(copy).to_be_hidden()
    else:
        expect(copy).to_be_visible()

    page.goto(live_server.url + "/me/")
    saved.get_by_role("button", name=re.compile("^Remove")).click()
    expect(page.get_by_text("Removed from your saved jobs.")).to_be_visible()
    expect(page.locator(".saved-job")).to_have_count(0)
