"""The posting page: /jobs/<slug>/, its JSON-LD, and the recruiter's preview of it."""

import re
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pycountry
import pytest
from django.db import OperationalError
from django.db.models import QuerySet
from django.test import RequestFactory
from django.utils import timezone

from postings import regions
from postings.models import Organisation, Posting, SalaryPeriod, Workplace
from postings.views.detail import render_posting_page
from roles.models import EducationLevel
from tests.factories import OrganisationFactory, PostingFactory, RoleFactory
from tests.helpers import RESULT_TITLE, get_page, job_posting_data

pytestmark = pytest.mark.django_db


def page(client, posting: Posting) -> str:
    return get_page(client, posting.get_absolute_url())


@pytest.fixture
def director_posting():
    role = RoleFactory(title="Director of Operations", onet_soc_code="11-1021.00")
    return PostingFactory(
        role=role,
        title="Director of Operations",
        organisation=OrganisationFactory(
            name="Northwind Freight", website="https://northwind.example", is_verified=True
        ),
        city="Manchester",
        region="England",
        country="GB",
        salary_min=Decimal("60000"),
        salary_max=Decimal("85000"),
        salary_currency="GBP",
        salary_period=SalaryPeriod.YEAR,
        responsibilities="Run the warehouses\n- Own the budget",
        qualifications="Ten years in logistics\nA degree",
    )


# --- What a job seeker reads ---------------------------------------------------------------


def test_posting_page_shows_organisation_place_terms_and_dates(client, director_posting):
    html = page(client, director_posting)

    assert "<h1" in html
    assert html.count("<h1") == 1
    # The employer's name leads to its company page, which has its website.
    assert '<a href="/companies/northwind-freight/">Northwind Freight</a>' in html
    assert "Verified employer" in html
    assert "staff have checked that this organisation is real" in html
    assert "Manchester, England, United Kingdom" in html
    assert "On-site" in html
    assert "Full-time" in html
    assert "£60,000–£85,000 per year" in html
    assert director_posting.published_at.strftime("%-d %B %Y") in html
    assert director_posting.valid_through.strftime("%-d %B %Y") in html


def test_posting_page_title_names_job_organisation_and_city(client, director_posting):
    html = page(client, director_posting)

    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
    assert title.startswith("Director of Operations at Northwind Freight — Manchester")
    description = re.search(r'<meta name="description" content="(.*?)">', html).group(1)
    assert description.startswith("Director of Operations at Northwind Freight")
    assert len(description) <= 160
    canonical = f"http://testserver{director_posting.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html


def test_responsibilities_and_qualifications_are_lists(client, director_posting):
    html = page(client, director_posting)

    assert "<li>Run the warehouses</li>" in html
    assert "<li>Own the budget</li>" in html
    assert "<li>Ten years in logistics</li>" in html


def test_description_is_markdown_with_scripts_removed(client):
    posting = PostingFactory(
        description="You will **lead** a team.\n\n<script>alert('owned')</script>\n\n"
        '<a href="javascript:alert(1)">click</a>'
    )

    html = page(client, posting)

    assert "<strong>lead</strong>" in html
    assert "alert('owned')" not in html
    assert "javascript:" not in html


def test_unverified_organisation_has_no_badge(client):
    posting = PostingFactory(organisation__is_verified=False)

    html = page(client, posting)

    assert "Verified employer" not in html
    assert "Domain verified" not in html
    assert "<strong>Not verified.</strong>" in html


def test_a_domain_verified_organisation_says_which_domain(client):
    posting = PostingFactory(
        organisation__is_verified=False, organisation__verified_domain="northwind.example"
    )

    html = page(client, posting)

    assert '<span class="badge badge--verified">Domain verified</span>' in html
    assert "confirmed an email address at northwind.example" in html
    assert "Verified employer" not in html


def test_apply_button_leads_to_the_employers_page(client, director_posting):
    html = page(client, director_posting)
    link = f"/jobs/{director_posting.slug}/apply/"

    assert f'class="button" href="{link}" rel="nofollow noopener"' in html
    assert client.get(link).headers["Location"] == "https://example.com/apply"


def test_apply_by_email_when_the_posting_has_no_apply_url(client):
    posting = PostingFactory(apply_url="", apply_email="jobs@northwind.example", title="COO")

    response = client.get(f"/jobs/{posting.slug}/apply/")

    assert response.headers["Location"] == (
        "mailto:jobs@northwind.example?subject=Application%3A%20COO"
    )


def test_posting_links_to_its_roles_explainer(client, director_posting):
    html = page(client, director_posting)

    assert 'href="/roles/director-of-operations/">What does a Director of Operations do?</a>' in (
        html
    )


def test_explainer_link_reads_well_for_a_role_starting_with_a_vowel(client):
    posting = PostingFactory(role=RoleFactory(title="Operations Manager"))

    assert "What does an Operations Manager do?" in page(client, posting)


def test_unpublished_role_gets_no_explainer_link(client):
    posting = PostingFactory(role=RoleFactory(title="Secret Role", is_published=False))

    assert "What does a Secret Role do?" not in page(client, posting)


def test_remote_posting_lists_the_countries_it_is_open_to_by_name(client):
    posting = PostingFactory(workplace=Workplace.REMOTE, remote_countries="GB IE DE")

    html = page(client, posting)

    assert "Open to applicants in" in html
    assert "United Kingdom, Ireland, Germany" in html


@pytest.mark.parametrize("regions", ["worldwide", ""])
def test_a_remote_posting_open_worldwide_says_so(client, regions):
    posting = PostingFactory(
        workplace=Workplace.REMOTE, remote_regions=regions, remote_countries=""
    )

    assert "<dt>Open to applicants in</dt><dd>Worldwide</dd>" in page(client, posting)


def test_a_remote_posting_names_its_regions_then_the_countries_they_leave_out(client):
    posting = PostingFactory(
        workplace=Workplace.REMOTE,
        remote_regions="european-union",
        remote_countries="US " + " ".join(sorted(regions.EUROPEAN_UNION)),
    )

    html = page(client, posting)

    assert "<dd>European Union, United States</dd>" in html


def test_similar_postings_are_open_postings_for_the_same_role(client, director_posting):
    role = director_posting.role
    PostingFactory(role=role, title="Head of Operations North")
    PostingFactory(role=role, title="Expired Ops Job", expired=True)
    PostingFactory(role=role, title="Draft Ops Job", draft=True)
    PostingFactory(title="Unrelated Marketing Job")

    html = page(client, director_posting)

    assert "Similar jobs" in html
    assert "Head of Operations North" in html
    assert "Expired Ops Job" not in html
    assert "Draft Ops Job" not in html
    assert "Unrelated Marketing Job" not in html
    similar = html.split('id="similar-jobs"')[1]
    assert director_posting.get_absolute_url() not in similar


def test_similar_jobs_prefer_the_same_country_and_workplace_then_the_same_country(client):
    role = RoleFactory(title="Chief Operating Officer")
    posting = PostingFactory(
        role=role, title="COO in Dubai", city="Dubai", region="", country="AE", workplace="on_site"
    )

    def similar(title: str, days: int, country: str, workplace: str) -> None:
        PostingFactory(
            role=role,
            title=title,
            country=country,
            workplace=workplace,
            published_at=timezone.now() - timedelta(days=days),
        )

    similar("Newest, in Boston", 1, "US", "on_site")
    similar("Second newest, in Seattle", 2, "US", "on_site")
    similar("Remote from Dubai", 3, "AE", "remote")
    similar("Older, on-site in Abu Dhabi", 9, "AE", "on_site")
    similar("Oldest, on-site in Sharjah", 10, "AE", "on_site")
    similar("Elsewhere, oldest", 20, "GB", "on_site")

    similar_jobs = page(client, posting).split('id="similar-jobs"')[1]

    assert RESULT_TITLE.findall(similar_jobs) == [
        "Older, on-site in Abu Dhabi",
        "Oldest, on-site in Sharjah",
        "Remote from Dubai",
        "Newest, in Boston",
    ]


# --- Which postings have a page ------------------------------------------------------------


@pytest.mark.parametrize("status", [Posting.Status.DRAFT, Posting.Status.IN_REVIEW])
def test_unpublished_postings_are_not_found(client, status):
    posting = PostingFactory(status=status, published_at=None)

    response = client.get(posting.get_absolute_url())

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_unknown_slug_is_not_found(client):
    response = client.get("/jobs/no-such-job/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_suspended_organisations_postings_are_not_found(client):
    posting = PostingFactory(organisation__is_suspended=True)

    response = client.get(posting.get_absolute_url())

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_posting_scheduled_for_later_is_not_found_yet(client):
    posting = PostingFactory(published_at=timezone.now() + timedelta(days=2))

    response = client.get(posting.get_absolute_url())

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("trait", ["expired", "closed"])
def test_expired_and_closed_postings_stay_readable_with_a_notice_and_no_json_ld(client, trait):
    posting = PostingFactory(title="Operations Manager", **{trait: True})

    response = client.get(posting.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Operations Manager" in html
    assert "This job is no longer accepting applications" in html
    assert "application/ld+json" not in html
    assert "https://example.com/apply" not in html
    assert 'class="button"' not in html
    assert "Apply before" not in html


# --- JSON-LD -------------------------------------------------------------------------------


def test_on_site_posting_carries_a_complete_job_posting(client, director_posting):
    data = job_posting_data(page(client, director_posting))

    assert data["@context"] == "https://schema.org/"
    assert data["title"] == "Director of Operations"
    assert "<strong>lead</strong>" in data["description"]
    assert "<li>Run the warehouses</li>" in data["description"]
    assert data["datePosted"] == director_posting.published_at.isoformat()
    assert data["validThrough"] == director_posting.valid_through.isoformat()
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "@id": "http://testserver/companies/northwind-freight/#organization",
        "name": "Northwind Freight",
        "sameAs": "https://northwind.example",
        "url": "https://northwind.example",
    }
    assert data["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Manchester",
            "addressRegion": "England",
            "addressCountry": "GB",
        },
    }
    assert "jobLocationType" not in data
    assert data["employmentType"] == "FULL_TIME"
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "GBP",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 60000,
            "maxValue": 85000,
            "unitText": "YEAR",
        },
    }
    assert data["identifier"] == {
        "@type": "PropertyValue",
        "name": "Northwind Freight",
        "value": str(director_posting.pk),
    }
    assert data["directApply"] is False
    assert data["url"] == f"http://testserver{director_posting.get_absolute_url()}"
    assert data["occupationalCategory"] == "11-1021.00"
    assert data["relevantOccupation"] == {
        "@type": "Occupation",
        "name": "Director of Operations",
        "occupationalCategory": "11-1021.00",
    }


def test_remote_posting_is_telecommute_with_applicant_countries(client):
    posting = PostingFactory(workplace=Workplace.REMOTE, remote_countries="GB IE")

    data = job_posting_data(page(client, posting))

    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == [
        {"@type": "Country", "name": "United Kingdom", "identifier": "GB"},
        {"@type": "Country", "name": "Ireland", "identifier": "IE"},
    ]
    assert "jobLocation" not in data


@pytest.mark.parametrize("regions", ["worldwide", ""])
def test_a_remote_posting_open_worldwide_names_every_country_for_google(client, regions):
    """Google has no "anywhere": without countries it reads the job as remote within the
    country of its address."""
    posting = PostingFactory(
        workplace=Workplace.REMOTE, remote_regions=regions, remote_countries="", city=""
    )

    data = job_posting_data(page(client, posting))

    assert data["jobLocationType"] == "TELECOMMUTE"
    countries = data["applicantLocationRequirements"]
    assert len(countries) == len(pycountry.countries)
    assert {"@type": "Country", "name": "Japan", "identifier": "JP"} in countries
    assert "jobLocation" not in data


def test_a_remote_posting_open_to_a_region_names_its_countries(client):
    posting = PostingFactory(
        workplace=Workplace.REMOTE,
        remote_regions="european-union",
        remote_countries=" ".join(sorted(regions.EUROPEAN_UNION)),
    )

    data = job_posting_data(page(client, posting))

    codes = [country["identifier"] for country in data["applicantLocationRequirements"]]
    assert sorted(codes) == sorted(regions.EUROPEAN_UNION)


def test_hybrid_posting_has_a_place_and_is_not_telecommute(client):
    posting = PostingFactory(workplace=Workplace.HYBRID)

    data = job_posting_data(page(client, posting))

    assert data["jobLocation"]["address"]["addressLocality"] == "Manchester"
    assert "jobLocationType" not in data


@pytest.mark.parametrize(
    ("employment_type", "expected"),
    [("part_time", "PART_TIME"), ("contract", "CONTRACTOR"), ("internship", "INTERN")],
)
def test_employment_type_uses_googles_names(client, employment_type, expected):
    posting = PostingFactory(employment_type=employment_type)

    assert job_posting_data(page(client, posting))["employmentType"] == expected


def test_hourly_salary_with_one_figure_is_a_single_value(client):
    posting = PostingFactory(
        salary_min=Decimal("42.50"),
        salary_max=None,
        salary_currency="USD",
        salary_period=SalaryPeriod.HOUR,
    )

    html = page(client, posting)

    assert "From $42.50 per hour" in html
    assert job_posting_data(html)["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "value": 42.5,
        "unitText": "HOUR",
    }


def test_posting_without_salary_or_expiry_leaves_those_properties_out(client):
    posting = PostingFactory(
        salary_min=None, salary_max=None, salary_currency="", valid_through=None
    )

    data = job_posting_data(page(client, posting))

    assert "baseSalary" not in data
    assert "validThrough" not in data


def test_script_in_the_title_cannot_break_out_of_the_json_ld(client):
    title = "Ops lead</script><script>alert(1)</script>"
    posting = PostingFactory(title=title)

    html = page(client, posting)

    assert "<script>alert(1)" not in html
    assert job_posting_data(html)["title"] == title


# --- Preview -------------------------------------------------------------------------------


def test_preview_of_a_draft_shows_the_page_with_a_notice_and_noindex(rf: RequestFactory):
    posting = PostingFactory(draft=True, title="Chief Operating Officer")
    request = rf.get("/recruiters/postings/1/preview/")

    response = render_posting_page(request, posting, preview=True).render()

    html = response.content.decode()
    assert "Preview — not yet public" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Chief Operating Officer" in html
    assert 'class="button" href="https://example.com/apply"' in html
    assert "no longer accepting applications" not in html
    assert "application/ld+json" not in html
    assert 'rel="canonical"' not in html


def test_public_page_is_not_marked_as_a_preview(client, director_posting):
    html = page(client, director_posting)

    assert "Preview" not in html
    assert "noindex" not in html


# --- Cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("same_place", [0, 2, 12])
def test_posting_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, same_place
):
    """Guards the N+1 of similar postings fetching their organisation one by one, the
    posting's organisation and role loaded lazily, and a query per preference of place."""
    posting = PostingFactory()
    PostingFactory.create_batch(same_place, role=posting.role, country=posting.country)
    PostingFactory.create_batch(12 - same_place, role=posting.role, country="US")

    client.get(posting.get_absolute_url())  # The first after a change stores its JSON-LD.
    with django_assert_max_num_queries(2):
        response = client.get(posting.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count('class="result"') == 4


# --- The stored JSON-LD --------------------------------------------------------------------


def test_the_first_page_after_a_change_stores_the_json_ld_and_the_next_reads_it(
    client, django_assert_num_queries, settings
):
    """Every miss of the page cache, in any process, reads the script the first made."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    posting = PostingFactory(title="Head of Operations")
    with django_assert_num_queries(3):  # The posting, similar jobs, the JSON-LD stored.
        first = job_posting_data(page(client, posting))
    with django_assert_num_queries(2):
        second = job_posting_data(page(client, posting))

    assert first == second
    assert first["title"] == "Head of Operations"
    posting.rendered.refresh_from_db()
    assert '"title": "Head of Operations"' in posting.rendered.job_posting


def rename_in_bulk(organisation: Organisation) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(name="Renamed Ltd")


def rename_and_save(organisation: Organisation) -> None:
    organisation.name = "Renamed Ltd"
    organisation.save()


@pytest.mark.parametrize("rename", [rename_in_bulk, rename_and_save])
def test_a_change_to_the_organisation_reaches_the_stored_json_ld(client, rename):
    posting = PostingFactory()
    page(client, posting)

    rename(posting.organisation)

    data = job_posting_data(page(client, posting))
    assert data["hiringOrganization"]["name"] == "Renamed Ltd"


def test_a_change_to_the_role_or_the_posting_reaches_the_stored_json_ld(client):
    posting = PostingFactory(role=RoleFactory(onet_soc_code="11-1021.00"))
    page(client, posting)

    posting.role.onet_soc_code = "11-1011.00"
    posting.role.save()
    assert job_posting_data(page(client, posting))["occupationalCategory"] == "11-1011.00"

    Posting.objects.filter(pk=posting.pk).update(title="Chief Operating Officer")
    assert job_posting_data(page(client, posting))["title"] == "Chief Operating Officer"


def test_a_json_ld_that_cannot_be_stored_still_shows(client, monkeypatch, caplog):
    """Storing it serves the pages after this one: a database too busy to take the write
    costs this page nothing."""

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    posting = PostingFactory(title="Head of Operations")
    # Every UPDATE fails: the page's only write is the JSON-LD's.
    monkeypatch.setattr(QuerySet, "update", busy)

    response = client.get(posting.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert job_posting_data(response.content.decode())["title"] == "Head of Operations"
    assert "Could not store the JSON-LD" in caplog.text


def test_a_stored_json_ld_whose_stamp_is_not_the_rows_is_never_shown(client):
    """A script stored from older rows, or by other code, is made again, not trusted."""
    posting = PostingFactory(title="Head of Operations")
    page(client, posting)
    forged = (
        '<script type="application/ld+json">{"@type": "JobPosting", "title": "Forged"}</script>'
    )
    type(posting.rendered).objects.filter(pk=posting.pk).update(
        job_posting=forged, job_posting_stamp="0" * 32
    )

    data = job_posting_data(page(client, posting))

    assert data["title"] == "Head of Operations"


def test_job_posting_carries_the_roles_education_and_experience(client):
    role = RoleFactory(
        education_level=EducationLevel.MASTER, experience_years_min=5, experience_years_max=8
    )
    posting = PostingFactory(role=role)

    data = job_posting_data(page(client, posting))

    assert data["educationRequirements"]["@type"] == "EducationalOccupationalCredential"
    assert data["educationRequirements"]["credentialCategory"] == "postgraduate degree"
    assert data["experienceRequirements"] == {
        "@type": "OccupationalExperienceRequirements",
        "monthsOfExperience": 60,
    }


def test_job_posting_leaves_out_requirements_the_role_does_not_set(client):
    role = RoleFactory(education_level=EducationLevel.NONE, experience_years_min=None)

    data = job_posting_data(page(client, PostingFactory(role=role)))

    assert "educationRequirements" not in data
    assert "experienceRequirements" not in data


def test_job_posting_description_keeps_headings_and_does_not_repeat_lists(client):
    posting = PostingFactory(
        description="# About us\n\nText.\n\n## What you will do\n\n- Run the sites\n",
        responsibilities="Run the sites.\nSet the budget",
        qualifications="",
        postal_code="M1 1AE",
    )

    html = page(client, posting)
    data = job_posting_data(html)

    assert "<h3>About us</h3>" in html  # On the page, under its own h1 and h2.
    assert "<h4>What you will do</h4>" in html
    assert "<h2>About us</h2>" in data["description"]
    assert "<h3>What you will do</h3>" in data["description"]
    assert data["description"].count("Run the sites") == 1
    assert "<li>Set the budget</li>" in data["description"]
    assert data["jobLocation"]["address"]["postalCode"] == "M1 1AE"


def test_the_apply_panel_gives_pay_place_closing_date_and_the_employers_page(client):
    posting = PostingFactory(
        title="Head of Operations",
        organisation__name="Northwind",
        apply_url="https://northwind.example/jobs/1",
        salary_min=Decimal("90000"),
        salary_max=Decimal("110000"),
        salary_currency="GBP",
    )

    html = get_page(client, posting.get_absolute_url())
    panel = html.split('<aside class="posting-layout__aside apply-panel"')[1].split("</aside>")[0]

    assert "Apply for this job" in panel
    assert '<span class="chip">£90,000–£110,000' in panel
    assert f'href="/jobs/{posting.slug}/apply/"' in panel  # counted, then forwarded
    assert f"{posting.valid_through:%-d %B %Y}" in panel
    assert '<a href="/companies/northwind/">More about Northwind</a>' in panel
    header = html.split('<header class="posting__header">')[1].split("</header>")[0]
    assert '<a href="/companies/northwind/">Northwind</a>' in header
