"""The filters of /jobs/, their facet counts, and parameters that must never break the page."""

import re
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.http import QueryDict
from django.utils import timezone

from postings.facets import FacetOption
from postings.filters import PostingFilter
from postings.models import EmploymentType, Posting, SalaryPeriod
from tests.factories import PostingFactory, RoleFactory
from tests.helpers import JOBS, RESULT_TITLE
from tests.helpers import title_set as titles

pytestmark = pytest.mark.django_db


def search(query: str) -> PostingFilter:
    return PostingFilter(QueryDict(query), queryset=Posting.objects.public())


def counts(options: list[FacetOption]) -> dict[str, int]:
    return {option.value: option.count for option in options if option.count}


def test_role_filter_lists_only_that_roles_postings(client):
    coo = RoleFactory(title="Chief Operating Officer", slug="chief-operating-officer")
    PostingFactory(role=coo, title="COO job")
    PostingFactory(title="Other job")

    assert titles(client, role="chief-operating-officer") == {"COO job"}


def test_location_filter_matches_city_or_region_in_any_case(client):
    PostingFactory(title="Leeds job", city="Leeds", region="England")
    PostingFactory(title="Munich job", city="Munich", region="Bavaria", country="DE")

    assert titles(client, location="leeds") == {"Leeds job"}
    assert titles(client, location="BAVARIA") == {"Munich job"}


def test_country_filter_finds_postings_based_there_and_remote_ones_open_to_it(client):
    PostingFactory(title="Based in Ireland", country="IE")
    PostingFactory(title="Remote for GB and IE", workplace="remote", remote_countries="GB IE")
    PostingFactory(title="Remote anywhere", country="US", workplace="remote", remote_countries="")
    PostingFactory(
        title="Remote for the US", country="US", workplace="remote", remote_countries="US"
    )
    PostingFactory(title="Hybrid in Germany", country="DE", workplace="hybrid", remote_countries="")
    PostingFactory(title="On-site in Britain", country="GB")

    assert titles(client, country="IE") == {
        "Based in Ireland",
        "Remote for GB and IE",
        "Remote anywhere",
    }
    assert titles(client, country="ie") == titles(client, country="IE")


def test_employment_type_and_workplace_filters(client):
    PostingFactory(title="Contract remote", employment_type="contract", workplace="remote")
    PostingFactory(title="Contract on site", employment_type="contract", workplace="on_site")
    PostingFactory(title="Full-time remote", employment_type="full_time", workplace="remote")

    assert titles(client, employment_type="contract") == {"Contract remote", "Contract on site"}
    assert titles(client, employment_type="contract", workplace="remote") == {"Contract remote"}


def test_salary_minimum_compares_yearly_amounts_in_the_same_currency(client):
    PostingFactory(title="GBP 60-80k", salary_min=60_000, salary_max=80_000)
    PostingFactory(
        title="GBP 45 an hour",  # up to 45 × 2080 = 93,600 a year
        salary_min=Decimal(35),
        salary_max=Decimal(45),
        salary_period=SalaryPeriod.HOUR,
    )
    PostingFactory(title="GBP from 85k", salary_min=85_000, salary_max=None)
    # Up to about 79,200 GBP a year: below both minimums.
    PostingFactory(title="EUR 95k", salary_min=90_000, salary_max=95_000, salary_currency="EUR")
    PostingFactory(title="No salary", salary_min=None, salary_max=None, salary_currency="")

    assert titles(client, salary_min="82000", currency="GBP") == {
        "GBP 45 an hour",
        "GBP from 85k",
    }
    assert titles(client, salary_min="80000", currency="GBP") == {
        "GBP 60-80k",
        "GBP 45 an hour",
        "GBP from 85k",
    }
    assert titles(client, paid_in="EUR") == {"EUR 95k"}


def test_posted_within_keeps_recent_postings(client):
    now = timezone.now()
    PostingFactory(title="Yesterday", published_at=now - timedelta(hours=20))
    PostingFactory(title="Last week", published_at=now - timedelta(days=6))
    PostingFactory(title="Last month", published_at=now - timedelta(days=25))

    assert titles(client, posted_within="1") == {"Yesterday"}
    assert titles(client, posted_within="7") == {"Yesterday", "Last week"}
    assert titles(client, posted_within="45") == {"Yesterday", "Last week", "Last month"}


def test_facets_count_each_value_with_the_other_filters_applied():
    coo = RoleFactory(title="Chief Operating Officer", slug="chief-operating-officer")
    ops = RoleFactory(title="Operations Manager", slug="operations-manager")
    PostingFactory(role=coo, workplace="remote", remote_countries="", country="US")
    PostingFactory(role=coo, workplace="on_site", country="GB")
    PostingFactory(role=ops, workplace="remote", remote_countries="GB IE", country="GB")
    PostingFactory(role=ops, workplace="hybrid", country="DE", employment_type="contract")
    PostingFactory(role=ops, workplace="remote", expired=True)

    facets = search("workplace=remote&role=operations-manager").facets()

    # Roles are counted among the remote postings; workplaces among the manager's postings.
    assert counts(facets["role"]) == {"chief-operating-officer": 1, "operations-manager": 1}
    assert counts(facets["workplace"]) == {"remote": 1, "hybrid": 1}
    assert counts(facets["employment_type"]) == {"full_time": 1}
    # The remote postings open to GB and IE count for both.
    assert counts(facets["country"]) == {"GB": 1, "IE": 1}
    assert [option.value for option in facets["workplace"] if option.selected] == ["remote"]


def test_country_facet_counts_what_the_country_filter_would_list():
    PostingFactory(country="US", workplace="remote", remote_countries="")
    PostingFactory(country="GB", workplace="remote", remote_countries="GB IE")
    PostingFactory(country="DE")

    facet = counts(search("").facets()["country"])

    assert facet == {"US": 1, "GB": 2, "IE": 2, "DE": 2}
    for code, count in facet.items():
        assert search(f"country={code}").qs.count() == count


def test_all_facets_and_the_count_take_three_queries_whatever_the_number_of_postings(
    django_assert_num_queries,
):
    """Four facets and the total, each its own GROUP BY or COUNT over the matches, cost
    a second per search at 100,000 postings: one query sizes the table (is it worth
    sampling?), one groups them all, one names the roles."""
    for n in range(40):
        PostingFactory(
            role=RoleFactory(title=f"Role {n % 7}"),
            country=["GB", "IE", "US", "DE"][n % 4],
            workplace=["on_site", "hybrid", "remote"][n % 3],
            remote_countries=["", "GB IE", "US"][n % 3] if n % 3 == 2 else "",
        )
    filterset = search("employment_type=full_time")
    filterset.form.is_valid()

    with django_assert_num_queries(3):
        facets = filterset.facets()
        total = filterset.count()

    assert sum(option.count for option in facets["workplace"]) == 40
    assert total == filterset.qs.count() == 40


def test_the_filter_contract_other_pages_rely_on():
    """Feeds call PostingFilter(request.GET, queryset=Posting.objects.public()).qs."""
    PostingFactory(title="Open", employment_type=EmploymentType.CONTRACT)
    PostingFactory(title="Expired", expired=True, employment_type=EmploymentType.CONTRACT)

    filterset = search("employment_type=contract&salary_min=abc&sort=nonsense&role=nobody")

    assert [posting.title for posting in filterset.qs] == ["Open"]
    assert set(filterset.form.errors) == {"salary_min", "sort", "role"}


@pytest.mark.parametrize(
    "query",
    [
        "salary_min=abc",
        "salary_min=-5&currency=GBP",
        "salary_min=1e400&currency=GBP",
        "salary_min=NaN&currency=GBP",
        "salary_min=Infinity&currency=XXX",
        "page=-1",
        "page=0",
        "page=99999",
        "page=abc",
        "page=" + "9" * 5000,
        "posted_within=1e9",
        "posted_within=1000000000",
        "posted_within=-3",
        "sort=unknown",
        "sort=relevance",
        "role=no-such-role",
        "role=" + "x" * 10_000,
        "q=" + "x" * 10_000,
        "country=GBR",
        "country=%C3%A9%C3%A9",
        "country=12",
        "workplace=moon",
        "employment_type=%00",
        "q=%00&role=%00&location=%00&country=%00&salary_min=%00&currency=%00"
        "&posted_within=%00&sort=%00&page=%00",
        "q=coo%00&location=Lee%00ds",
        "q=a&q=b&role=x&role=y&page=1&page=2&workplace=remote&workplace=hybrid",
        "location=" + "%25" * 3000,
        "%00=%00",
    ],
)
def test_malformed_parameters_never_cause_a_server_error(client, query):
    RoleFactory(title="Chief Operating Officer", slug="chief-operating-officer")
    PostingFactory.create_batch(3)

    response = client.get(f"{JOBS}?{query}")

    assert response.status_code == HTTPStatus.OK


def test_unreadable_parameters_are_shown_as_form_errors(client):
    PostingFactory(title="Still listed")

    html = client.get(
        JOBS, {"salary_min": "abc", "currency": "GBP", "posted_within": "1e9", "role": "nobody"}
    ).content.decode()

    assert "Enter a number." in html
    assert "Enter a whole number." in html
    assert "Select a valid choice." in html
    assert 'aria-invalid="true"' in html
    for described_by in re.findall(r'aria-describedby="([^"]+)"', html):
        assert f'id="{described_by}"' in html
    assert set(RESULT_TITLE.findall(html)) == {"Still listed"}


def test_a_huge_posted_within_is_clamped_not_an_error(client):
    PostingFactory(title="Old", published_at=timezone.now() - timedelta(days=400))

    assert titles(client, posted_within="1000000000") == {"Old"}


def test_the_form_has_labels_for_every_control_and_a_submit_button(client):
    html = client.get(JOBS).content.decode()

    controls = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert controls
    for control in controls:
        assert f'for="{control}"' in html, control
    assert '<form class="job-search" action="/jobs/" method="get"' in html
    assert '<button class="button" type="submit">' in html
