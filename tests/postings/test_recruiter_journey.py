"""A recruiter's whole journey, as one story through the pages a person would use."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from postings.models import Posting, PostingEvent
from roles.models import Qualification, Responsibility
from tests.factories import QualificationFactory, ResponsibilityFactory, RoleFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a fine long passphrase 7"


def form_fields(html):
    """The values a browser would send back from the page's posting form."""
    form = html[html.index('class="manage-layout__form"') :]
    form = form[: form.index("</form>")]
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        data[name] = value
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = body.strip("\n").replace("&#x27;", "'").replace("&amp;", "&")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = selected.group(1) if selected else ""
    return data


def test_sign_up_post_from_a_role_publish_and_close(client, mailoutbox):
    role = RoleFactory(title="Chief Operating Officer", slug="chief-operating-officer")
    ResponsibilityFactory(
        role=role, area=Responsibility.Area.OPERATIONS, text="Oversee the company's operations."
    )
    ResponsibilityFactory(
        role=role, area=Responsibility.Area.PEOPLE, text="Lead the general managers."
    )
    QualificationFactory(
        role=role, kind=Qualification.Kind.EXPERIENCE, text="Ten years in senior operations."
    )

    # Sign up: one form makes the account and the organisation, and mails a link that
    # confirms the address, logs in and lands on the dashboard.
    response = client.post(
        reverse("signup"),
        {
            "intent": "recruiter",
            "name": "Mira Patel",
            "email": "mira@harbourfoods.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "organisation_name": "Harbour Foods",
            "website": "https://harbourfoods.example",
        },
        follow=True,
    )
    assert "Check your inbox" in response.content.decode()
    [message] = mailoutbox
    link = re.search(r"https?://[^/\s]+(/accounts/verify/\S+/)", message.body).group(1)
    assert "Confirm my address" in client.get(link).content.decode()
    response = client.post(link, {"password": PASSWORD}, follow=True)
    assert "Harbour Foods: your postings" in response.content.decode()
    # The confirmed address is at the website's domain: domain verified, so its postings
    # are published without waiting for staff.
    assert "<strong>Domain verified.</strong>" in response.content.decode()

    # New posting: choose the role; the form starts from it.
    picker = client.get(reverse("recruiters:posting_create"))
    assert "Chief Operating Officer" in picker.content.decode()
    start = client.get(reverse("recruiters:posting_create"), {"role": role.slug})
    fields = form_fields(start.content.decode())
    assert fields["title"] == "Chief Operating Officer"
    assert fields["responsibilities"] == (
        "Oversee the company's operations.\nLead the general managers."
    )
    assert fields["qualifications"] == "Ten years in senior operations."
    assert fields["role"] == str(role.pk)

    # Edit and save as a draft.
    fields.update(
        {
            "title": "Chief Operating Officer, Harbour Foods",
            "description": "Run our kitchens, depots and fleet. " * 12,
            "city": "Bristol",
            "country": "GB",
            "salary_min": "120000",
            "salary_max": "150000",
            "salary_currency": "GBP",
            "apply_url": "https://harbourfoods.example/jobs/coo",
        }
    )
    response = client.post(reverse("recruiters:posting_create"), fields)
    posting = Posting.objects.get()
    assert response["Location"] == reverse("recruiters:posting_manage", kwargs={"pk": posting.pk})
    assert posting.status == Posting.Status.DRAFT
    assert client.get(posting.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

    # Preview: the public page, marked as a preview.
    preview = client.get(reverse("recruiters:posting_preview", kwargs={"pk": posting.pk}))
    assert preview.status_code == HTTPStatus.OK
    assert "Chief Operating Officer, Harbour Foods" in preview.content.decode()
    assert "noindex" in preview.content.decode()

    # Publish from the manage page.
    manage = client.get(reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}))
    fields = form_fields(manage.content.decode())
    client.post(
        reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}),
        {**fields, "intent": "publish"},
    )
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED

    # It is public: on its own page with JobPosting data, and in the search list.
    page = client.get(posting.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    assert "application/ld+json" in page.content.decode()
    listing = client.get(reverse("postings:posting_list"))
    assert "Chief Operating Officer, Harbour Foods" in listing.content.decode()

    # Close it: gone from the public lists, and the history tells the story.
    client.post(
        reverse("recruiters:posting_close", kwargs={"pk": posting.pk}), {"next": "dashboard"}
    )
    posting.refresh_from_db()
    assert posting.status == Posting.Status.CLOSED
    listing = client.get(reverse("postings:posting_list"))
    assert "Chief Operating Officer, Harbour Foods" not in listing.content.decode()
    assert "application/ld+json" not in client.get(posting.get_absolute_url()).content.decode()
    assert list(posting.events.order_by("created_at", "pk").values_list("action", flat=True)) == [
        PostingEvent.Action.CREATED,
        PostingEvent.Action.PUBLISHED,
        PostingEvent.Action.CLOSED,
    ]
    dashboard = client.get(reverse("recruiters:dashboard"))
    closed = next(g for g in dashboard.context["groups"] if g["status"] == "closed")
    assert closed["postings"] == [posting]
