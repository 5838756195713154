"""Hostile content in every recruiter-written and admin-written field ends up harmless on
every page, feed and JSON-LD block that shows it.

Each test stores one payload in one field, fetches each page that shows that field, and
inspects what a browser, a feed reader or a search engine would read: the HTML's tags and
attributes as html.parser sees them (no script, no event handler, no `javascript:` address,
no inline style), the JSON-LD blocks (still JSON, still holding the text) and the feeds
(still XML; the HTML inside them as safe as the pages). A marker word beside each payload
proves that the page really showed the field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from xml.etree import ElementTree

import pytest
from django.db import models
from django.urls import reverse

from postings.account_forms import SignupForm
from postings.forms import OrganisationForm, PostingForm
from postings.models import Membership, Posting
from roles.models import FAQ
from tests.factories import (
    AlternateTitleFactory,
    CareerStepFactory,
    FAQFactory,
    MembershipFactory,
    PostingFactory,
    QualificationFactory,
    ReportingLineFactory,
    ResponsibilityFactory,
    RoleFactory,
)
from tests.helpers import response_body

pytestmark = pytest.mark.django_db

MARKER = "Zebrafinch"

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "attribute-breakout": '" onmouseover="alert(1)',
    "markdown-js-link": "[click me](javascript:alert(1))",
    "html-js-link": '<a href="javascript:alert(1)">click me</a>',
    "bare-js-url": "javascript:alert(1)",
    "json-ld-breakout": "</script><script>alert(1)</script>",
    "style-element": "<style>body{display:none}</style>",
    "style-attribute": '<p style="position:fixed;inset:0">covered</p>',
    "svg-onload": "<svg onload=alert(1)>",
    "cdata-end": "]]><script>alert(1)</script>",
    # NUL aside (PostgreSQL refuses it in text), what a paste from a terminal may hold.
    "control-characters": "bell\x07 escape\x1b[31m tab\x0b form\x0c unit\x1f",
}

# Where a posting's fields show up. "search" is /jobs/?q=<marker>, which also shows the
# highlighted snippet of the description.
POSTING_PAGES = ["detail", "search", "home", "dashboard", "explainer", "rss", "atom", "feed_xml"]


@dataclass
class Field:
    """One field someone other than the site's developers writes, and where it shows."""

    model: str  # the world's attribute holding the row
    name: str
    pages: list[str]
    # Pages whose JSON-LD must carry the text.
    json_ld: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.model}.{self.name}"


FIELDS = [
    # Recruiters.
    Field("posting", "title", [*POSTING_PAGES, "manage"], json_ld=["detail"]),
    Field("posting", "description", ["detail", "search", "rss", "atom", "feed_xml"], ["detail"]),
    Field("posting", "responsibilities", ["detail", "feed_xml"], json_ld=["detail"]),
    Field("posting", "qualifications", ["detail", "feed_xml"], json_ld=["detail"]),
    Field(
        "posting", "city", ["detail", "search", "home", "explainer", "rss", "feed_xml"], ["detail"]
    ),
    Field("posting", "region", ["detail", "search", "home", "rss", "feed_xml"], ["detail"]),
    Field(
        "organisation",
        "name",
        ["detail", "search", "home", "dashboard", "explainer", "rss", "atom", "feed_xml"],
        json_ld=["detail"],
    ),
    # Staff.
    Field("posting", "rejection_reason", ["dashboard", "manage"]),
    Field(
        "role",
        "title",
        ["explainer", "directory", "compare", "detail", "home", "search", "rss", "feed_xml"],
        json_ld=["explainer"],
    ),
    Field("role", "abbreviation", ["explainer", "directory", "home"], json_ld=["explainer"]),
    Field("role", "brief_answer", ["explainer", "directory", "compare", "home"], ["explainer"]),
    Field("role", "overview", ["explainer"]),
    Field("alternate_title", "title", ["explainer"], json_ld=["explainer"]),
    Field("responsibility", "text", ["explainer", "compare"], json_ld=["explainer"]),
    Field("qualification", "text", ["explainer", "compare"], json_ld=["explainer"]),
    Field("faq", "question", ["explainer"]),
    Field("faq", "answer", ["explainer"]),
    Field("career_step", "note", ["explainer"]),
]


# --- What counts as harmless -------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
# Browsers ignore these inside a URL's scheme: "java\tscript:" is "javascript:".
URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
DANGEROUS_TAGS = {"style", "iframe", "object", "embed", "frame", "frameset", "base", "svg", "math"}
# The SVGs the site draws itself: the explainer's pay chart (roles/templatetags/pay_chart.py)
# and the home page's operations ladder (templates/postings/includes/_ladder.html), none of
# whose attributes come from what people type. Any other <svg> was put there by text.
OWN_SVGS = (
    {"class": "pay-chart", "aria-hidden": "true"},
    {"class": "ladder__wide", "role": "group"},
    {"class": "ladder__tall", "role": "group"},
)


class PageParser(HTMLParser):
    """Collects what a browser would act on: tags with their attributes, JSON-LD blocks,
    and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script, self._script_text = attributes, []

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        else:
            self.text.append(data)


def problems_in_html(html: str) -> tuple[list[str], PageParser]:
    """Everything in `html` that could run script or restyle the page."""
    parser = PageParser()
    parser.feed(html)
    parser.close()
    found = []
    for tag, attributes in parser.tags:
        own_svg = tag == "svg" and any(own.items() <= attributes.items() for own in OWN_SVGS)
        if tag in DANGEROUS_TAGS and not own_svg:
            found.append(f"<{tag}> element")
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                found.append(f"<{tag} style=…> inline style")
            if name in URL_ATTRIBUTES:
                address = URL_IGNORED.sub("", value).lower()
                if address.startswith(DANGEROUS_SCHEMES):
                    found.append(f"<{tag} {name}={value!r}> script address")
    for attributes, body in parser.scripts:
        kind = attributes.get("type", "")
        if kind == "application/ld+json":
            continue
        if attributes.get("src", "").startswith("/static/") and not body.strip():
            continue
        found.append(f"<script {attributes}> that would run: {body[:60]!r}")
    return found, parser


def json_ld_blocks(parser: PageParser) -> list[object]:
    blocks = []
    for attributes, body in parser.scripts:
        if attributes.get("type") == "application/ld+json":
            blocks.append(json.loads(body))  # Fails the test if a value broke out.
    return blocks


def strings_in(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [text for value in data.values() for text in strings_in(value)]
    if isinstance(data, list):
        return [text for value in data for text in strings_in(value)]
    return []


def check_html_page(html: str, *, where: str) -> PageParser:
    found, parser = problems_in_html(html)
    assert not found, (where, found)
    blocks = json_ld_blocks(parser)
    for block in blocks:
        if isinstance(block, dict) and block.get("@type") == "JobPosting":
            # Google renders a JobPosting's description as HTML.
            inner, _ = problems_in_html(block.get("description", ""))
            assert not inner, (where, "JobPosting description", inner)
    parser.json_ld = blocks
    return parser


def check_feed(xml: bytes, *, where: str) -> str:
    """Parse the feed as XML and check the HTML that readers render from it. Returns its
    text, for the marker."""
    # The site's own output, under test; fails the test if the feed is not well-formed.
    root = ElementTree.fromstring(xml)  # noqa: S314
    atom = "{http://www.w3.org/2005/Atom}"
    texts = []
    for element in root.iter():
        text = element.text or ""
        texts.append(text)
        # RSS readers render titles and descriptions as HTML; Atom says so with type="html";
        # aggregators read the <description> CDATA as HTML.
        tag = element.tag.removeprefix(atom)
        is_html = (
            (root.tag == "rss" and tag in {"title", "description"})
            or element.get("type") == "html"
            or (root.tag == "source" and tag == "description")
        )
        if is_html:
            found, _ = problems_in_html(text)
            assert not found, (where, tag, found)
        for name in ("href", "url"):
            address = URL_IGNORED.sub("", element.get(name, "")).lower()
            assert not address.startswith(DANGEROUS_SCHEMES), (where, tag, address)
        if tag in {"link", "url", "uri"}:
            address = URL_IGNORED.sub("", text).lower()
            assert not address.startswith(DANGEROUS_SCHEMES), (where, tag, address)
    return " ".join(texts)


# --- The world the payloads go into ------------------------------------------------------


@pytest.fixture
def world():
    role = RoleFactory(title="Chief Operating Officer", slug="chief-operating-officer")
    other = RoleFactory(title="Chief Executive Officer", slug="chief-executive-officer")
    ReportingLineFactory(role=role, manager=other)
    membership = MembershipFactory(access=Membership.Access.OWNER)
    posting = PostingFactory(
        role=role,
        organisation=membership.organisation,
        rejection_reason="Placeholder",  # Shown only while the posting is a draft.
    )
    return {
        "role": role,
        "other_role": other,
        "organisation": membership.organisation,
        "member": membership.user,
        "posting": posting,
        "alternate_title": AlternateTitleFactory(role=role, title="Head of Operations"),
        "responsibility": ResponsibilityFactory(role=role),
        "qualification": QualificationFactory(role=role),
        "faq": FAQFactory(role=role),
        "career_step": CareerStepFactory(from_role=role, to_role=other),
    }


def hostile_value(model_field: models.Field, payload: str) -> str:
    """The marker and the payload, cut to what the column holds (PostgreSQL enforces it)."""
    value = f"{MARKER} {payload} {MARKER.lower()}"
    if model_field.max_length:
        value = value[: model_field.max_length]
    return value


def page_urls(world) -> dict[str, str]:
    role, other, posting = world["role"], world["other_role"], world["posting"]
    return {
        "detail": posting.get_absolute_url(),
        "search": f"{reverse('postings:posting_list')}?q={MARKER}",
        "home": reverse("postings:home"),
        "dashboard": reverse("recruiters:dashboard"),
        "manage": reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}),
        "explainer": role.get_absolute_url(),
        "directory": reverse("roles:role_directory"),
        "compare": reverse("roles:role_compare", kwargs={"pair": f"{role.slug}-vs-{other.slug}"}),
        "rss": reverse("postings:posting_feed_rss"),
        "atom": reverse("postings:posting_feed_atom"),
        "feed_xml": reverse("postings:posting_feed_xml"),
        "sitemap": reverse("sitemap"),
    }


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize("target", FIELDS, ids=str)
def test_hostile_text_in_a_field_is_harmless_wherever_it_is_shown(client, world, target, payload):
    row = world[target.model]
    value = hostile_value(row._meta.get_field(target.name), payload)
    setattr(row, target.name, value)
    if target.name == "rejection_reason":
        # Staff's reason is shown while the posting is back in draft.
        row.status, row.published_at = Posting.Status.DRAFT, None
    row.save()
    client.force_login(world["member"])
    urls = page_urls(world)

    for page in [*target.pages, "sitemap"]:
        response = client.get(urls[page])
        where = f"{target} on {page}"
        assert response.status_code == HTTPStatus.OK, where
        if response["Content-Type"].startswith(
            ("application/xml", "application/rss", "application/atom")
        ):
            text = check_feed(response_body(response), where=where)
        else:
            parser = check_html_page(response.content.decode(), where=where)
            text = " ".join(parser.text)
            if page in target.json_ld:
                assert any(MARKER in text for text in strings_in(parser.json_ld)), (
                    f"{where}: the JSON-LD lost the text"
                )
        if page != "sitemap":
            assert MARKER.lower() in text.lower(), f"{where}: the page does not show the field"


# --- Addresses: the validators keep script addresses out, and the pages would too -------

SCRIPT_ADDRESSES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]


@pytest.mark.parametrize("address", SCRIPT_ADDRESSES)
def test_a_posting_form_refuses_a_script_address_as_its_apply_link(address):
    role = RoleFactory()
    form = PostingForm(
        {
            "role": role.pk,
            "title": "Operations Manager",
            "description": "Run the warehouse.",
            "employment_type": "full_time",
            "workplace": "on_site",
            "salary_period": "year",
            "apply_url": address,
        }
    )

    assert not form.is_valid()
    assert "apply_url" in form.errors


@pytest.mark.parametrize("address", SCRIPT_ADDRESSES)
@pytest.mark.parametrize("form_class", [OrganisationForm, SignupForm])
def test_organisation_forms_refuse_a_script_address_as_the_website(form_class, address):
    form = form_class({"name": "Acme", "organisation_name": "Acme", "website": address})

    assert not form.is_valid()
    assert "website" in form.errors


@pytest.mark.parametrize("address", SCRIPT_ADDRESSES)
def test_a_script_address_that_reached_the_database_is_never_a_link(client, address):
    """Data from before the validators, or typed into a shell, must not become a link."""
    posting = PostingFactory(apply_url=address, apply_email="jobs@example.com")
    posting.organisation.website = address
    posting.organisation.save()

    detail = client.get(posting.get_absolute_url())
    found, parser = problems_in_html(detail.content.decode())
    assert not found, found
    # Search engines follow JSON-LD's addresses (sameAs, url) too.
    addresses = [URL_IGNORED.sub("", text).lower() for text in strings_in(json_ld_blocks(parser))]
    assert not [text for text in addresses if text.startswith(DANGEROUS_SCHEMES)]
    # The apply button's counter forwards to the email address, never to the script.
    apply = client.get(reverse("postings:posting_apply", kwargs={"slug": posting.slug}))
    assert apply["Location"].startswith("mailto:jobs@example.com?")
    for feed in ("postings:posting_feed_rss", "postings:posting_feed_atom"):
        check_feed(client.get(reverse(feed)).content, where=feed)
    check_feed(response_body(client.get(reverse("postings:posting_feed_xml"))), where="feed.xml")


def test_a_markdown_link_to_a_web_page_still_works(client):
    """The sanitiser keeps what recruiters legitimately write."""
    posting = PostingFactory(description="See [our team](https://example.com/team).")

    response = client.get(posting.get_absolute_url())

    _, parser = problems_in_html(response.content.decode())
    assert ("a", {"href": "https://example.com/team", "rel": "nofollow noopener ugc"}) in [
        (tag, attributes) for tag, attributes in parser.tags if tag == "a"
    ]


def test_faq_answers_keep_their_emphasis(client):
    faq = FAQFactory(answer="It is **usually** a board appointment.")

    response = client.get(faq.role.get_absolute_url())

    assert b"<strong>usually</strong>" in response.content
    assert FAQ.objects.count() == 1
