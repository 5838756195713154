"""What a page says of itself to search engines and link previews: its title and description
(fitted to 60 and 160 characters), Open Graph and Twitter Card tags, breadcrumbs with their
BreadcrumbList, and the site's WebSite and Organization on the home page."""

from __future__ import annotations

import re
from html import unescape
from io import StringIO
from itertools import permutations

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from postings.display import country_names
from roles.models import Role
from tests.factories import PostingFactory, RoleFactory, build_site
from tests.helpers import BASE_DIR, JOBS, get_page, json_ld_of_type

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')
META = re.compile(r'<meta (?:property|name)="((?:og|twitter):[a-z:_]+)" content="([^"]*)">')


def title(html: str) -> str:
    return unescape(TITLE.search(html)[1])


def description(html: str) -> str:
    return unescape(DESCRIPTION.search(html)[1])


def social(html: str) -> dict[str, str]:
    """The page's Open Graph and Twitter Card tags, by property."""
    return {name: unescape(value) for name, value in META.findall(html)}


@pytest.fixture
def site():
    return build_site()


def public_pages(site) -> list[str]:
    return [
        reverse("postings:home"),
        reverse("roles:role_directory"),
        site.coo.get_absolute_url(),
        reverse(
            "roles:role_compare",
            kwargs={"pair": "chief-operating-officer-vs-chief-executive-officer"},
        ),
        JOBS,
        f"{JOBS}?role=chief-operating-officer",
        f"{JOBS}?q=operations&workplace=remote",
        site.posting.get_absolute_url(),
    ]


def test_every_public_page_has_open_graph_and_twitter_card_tags(client, site):
    for url in public_pages(site):
        html = get_page(client, url)
        tags = social(html)
        canonical = unescape(re.search(r'<link rel="canonical" href="([^"]*)">', html)[1])

        assert tags["og:title"] == title(html).removesuffix(" · Rolewise"), url
        assert tags["og:description"] == description(html), url
        assert tags["og:url"] == canonical, url
        assert tags["og:site_name"] == "Rolewise"
        assert tags["og:type"] == "website"
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["twitter:title"] == tags["og:title"]
        assert tags["og:image"] == "http://testserver/static/img/site-preview.png"
        assert tags["twitter:image"] == tags["og:image"]


def test_the_site_image_is_there_at_the_size_the_tags_say(client):
    tags = social(get_page(client, reverse("postings:home")))
    path = BASE_DIR / "static" / tags["og:image"].removeprefix("http://testserver/static/")

    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (int(tags["og:image:width"]), int(tags["og:image:height"]))
    assert image.size == (1200, 630)
    assert tags["og:image:alt"]


def test_a_page_may_name_its_own_preview_image():
    html = render_to_string("base.html", {"og_image": "https://cdn.example/logo.png"})

    tags = social(html)
    assert tags["og:image"] == "https://cdn.example/logo.png"
    assert tags["twitter:image"] == "https://cdn.example/logo.png"
    assert "og:image:width" not in tags


def test_pages_behind_a_login_offer_no_link_preview(client, recruiter_client):
    html = get_page(recruiter_client, reverse("recruiters:dashboard"))

    assert social(html) == {}


def page_title(template: str, **context: str) -> str:
    html = Template("{% extends 'base.html' %}{% block title %}" + template + "{% endblock %}")
    return title(html.render(Context(context)))


def test_a_title_drops_the_site_name_only_where_it_would_pass_sixty_characters():
    assert page_title("Roles explained · Rolewise") == "Roles explained · Rolewise"
    long = "Roles explained: operations and leadership roles by level"
    assert page_title(f"{long} · Rolewise") == long
    # Counted as a reader reads it: "R&D" is three characters, though written "R&amp;D".
    assert page_title("{{ name }} · Rolewise", name="R&D " + "A" * 45) == (
        "R&D " + "A" * 45 + " · Rolewise"
    )
    # And what reads as an entity stays one, not unescaped twice.
    assert page_title("{{ name }} · Rolewise", name="Ops &amp; more") == "Ops &amp; more · Rolewise"


def test_every_page_of_the_sites_own_has_a_title_of_sixty_characters_at_most(client):
    """Every role of the seed content and its landing page, the comparisons of the roles
    with the longest names, and the landing pages of every workplace and of the countries
    with the longest names (the rest are shorter)."""
    call_command("load_roles", stdout=StringIO())
    PostingFactory(role=Role.objects.get(slug="chief-operating-officer"))
    roles = list(Role.objects.published())
    pages = [reverse("postings:home"), reverse("roles:role_directory"), JOBS]
    pages += [role.get_absolute_url() for role in roles]
    pages += [f"{JOBS}?role={role.slug}" for role in roles]
    pages += [f"{JOBS}?workplace={value}" for value in ("on_site", "hybrid", "remote")]
    longest = sorted(country_names(), key=lambda code: -len(country_names()[code]))[:3]
    pages += [f"{JOBS}?country={code}" for code in longest]

    titles = {url: title(get_page(client, url)) for url in pages}
    wordiest = sorted(roles, key=lambda role: -len(role.short_title))[:4]
    for a, b in permutations(wordiest, 2):
        url = reverse("roles:role_compare", kwargs={"pair": f"{a.slug}-vs-{b.slug}"})
        titles[url] = title(get_page(client, url))

    too_long = {url: text for url, text in titles.items() if len(text) > 60}
    assert too_long == {}
    assert titles["/roles/chief-operating-officer/"] == (
        "What is a Chief Operating Officer (COO)? Duties and pay"
    )
    assert titles["/roles/founder/"] == "What is a Founder? Duties, pay, career path · Rolewise"


def test_every_meta_description_is_160_characters_at_most(client, site):
    long_title = "Director " * 16  # within the 150 characters a title may hold
    posting = PostingFactory(role=site.coo, title=long_title.strip())
    role = RoleFactory(title="Operations Lead", brief_answer="Runs things. " * 40)
    pages = [*public_pages(site), posting.get_absolute_url(), role.get_absolute_url()]
    pages.append(reverse("roles:role_compare", kwargs={"pair": f"{role.slug}-vs-{site.coo.slug}"}))
    pages += [reverse("login"), reverse("signup")]

    for url in pages:
        text = description(get_page(client, url))
        assert 0 < len(text) <= 160, (url, text)


def test_the_explainer_shows_breadcrumbs_and_their_breadcrumb_list(client, site):
    html = get_page(client, site.coo.get_absolute_url())

    assert '<a href="/roles/">Roles</a>' in html
    assert '<a href="/roles/chief-operating-officer/" aria-current="page">' in html
    data = json_ld_of_type(html, "BreadcrumbList")
    assert data["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "Roles", "item": "http://testserver/roles/"},
        {
            "@type": "ListItem",
            "position": 2,
            "name": "Chief Operating Officer",
            "item": "http://testserver/roles/chief-operating-officer/",
        },
    ]


def test_a_comparison_shows_breadcrumbs_and_their_breadcrumb_list(client, site):
    html = get_page(
        client,
        reverse(
            "roles:role_compare",
            kwargs={"pair": "chief-operating-officer-vs-chief-executive-officer"},
        ),
    )

    data = json_ld_of_type(html, "BreadcrumbList")
    assert [item["name"] for item in data["itemListElement"]] == ["Roles", "COO vs CEO"]
    assert data["itemListElement"][1]["item"] == (
        "http://testserver/roles/compare/chief-operating-officer-vs-chief-executive-officer/"
    )
    path = "/roles/compare/chief-operating-officer-vs-chief-executive-officer/"
    assert f'<a href="{path}" aria-current="page">COO vs CEO</a>' in html


def test_pages_without_breadcrumbs_have_no_breadcrumb_list(client, site):
    for url in (reverse("postings:home"), JOBS, site.posting.get_absolute_url()):
        assert "BreadcrumbList" not in get_page(client, url)


def test_the_home_page_describes_the_site_and_how_to_search_it(client, site):
    html = get_page(client, reverse("postings:home"))

    website = json_ld_of_type(html, "WebSite")
    organization = json_ld_of_type(html, "Organization")
    assert website["url"] == "http://testserver/"
    assert website["name"] == "Rolewise"
    action = website["potentialAction"]
    assert action["target"]["urlTemplate"] == "http://testserver/jobs/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert website["publisher"] == {"@id": organization["@id"]}
    assert organization["logo"] == "http://testserver/static/img/logo.png"
    with Image.open(BASE_DIR / "static" / "img" / "logo.png") as logo:
        assert min(logo.size) >= 112  # Google's least logo
    # The search the action names finds jobs.
    assert site.posting.title in get_page(client, f"{JOBS}?q=operating")


def test_the_site_wide_types_appear_on_the_home_page_only(client, site):
    for url in public_pages(site)[1:]:
        html = get_page(client, url)
        assert '"@type": "WebSite"' not in html
        # The site's own Organization (employers' pages carry theirs).
        assert '"@id": "http://testserver/#organization"' not in html
