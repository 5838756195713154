"""Sharing a posting: by email, on LinkedIn, or by copying its link, with no third-party
script and nothing but the copy button needing JavaScript."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, PostingFactory

pytestmark = pytest.mark.django_db


def share_links(html):
    row = html.split('class="share"', 1)[1].split("</div>", 1)[0]
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', row)]


def test_a_posting_can_be_shared_by_email_and_on_linkedin_without_javascript(client):
    posting = PostingFactory(
        title="Head of Operations & Finance", organisation=OrganisationFactory(name="Acme")
    )
    url = f"http://testserver{posting.get_absolute_url()}"

    html = client.get(posting.get_absolute_url()).content.decode()

    email, linkedin = share_links(html)
    mail = urlsplit(email)
    assert mail.scheme == "mailto"
    fields = parse_qs(mail.query)
    assert fields["subject"] == ["Head of Operations & Finance at Acme"]
    assert url in fields["body"][0]
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert parse_qs(urlsplit(linkedin).query) == {"url": [url]}


def test_the_copy_button_waits_for_the_script_which_is_the_sites_own(client):
    posting = PostingFactory()

    html = client.get(posting.get_absolute_url()).content.decode()

    assert re.search(r'<button[^>]*data-copy-url="http://testserver/jobs/[^"]+"[^>]*hidden', html)
    scripts = re.findall(r"<script[^>]*>", html)
    sources = [re.search(r'src="([^"]+)"', tag) for tag in scripts]
    assert all(src and src.group(1).startswith("/static/") for src in sources if src)
    assert any(src and src.group(1) == "/static/js/share.js" for src in sources)
    assert not re.search(r"<script(?![^>]*(src=|application/ld\+json))[^>]*>", html)


def test_a_closed_posting_offers_no_share_or_save(client):
    closed = PostingFactory(closed=True)

    html = client.get(closed.get_absolute_url()).content.decode()

    assert 'class="share"' not in html
    assert "save-control" not in html


def test_a_drafts_preview_offers_no_share_or_save(recruiter_client, membership):
    draft = PostingFactory(draft=True, organisation=membership.organisation)

    response = recruiter_client.get(reverse("recruiters:posting_preview", kwargs={"pk": draft.pk}))

    html = response.content.decode()
    assert "Preview — not yet public" in html
    assert 'class="share"' not in html
    assert "save-control" not in html
