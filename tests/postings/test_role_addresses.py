"""Role pages reachable by what people type: /roles/coo/, /roles/COO/ and alternate titles
redirect to the role, and /roles/compare/ offers a choice of two roles."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import AlternateTitleFactory, RoleFactory
from tests.helpers import get_page

pytestmark = pytest.mark.django_db

# A miss on a role's own slug: the role by slug, then every role's names (one query).
ALIAS_QUERIES = 2
PICKER_QUERIES = 1


@pytest.fixture
def coo():
    role = RoleFactory(title="Chief Operating Officer", abbreviation="COO")
    AlternateTitleFactory(role=role, title="Head of Operations")
    AlternateTitleFactory(role=role, title="Vice President, Operations")
    return role


@pytest.mark.parametrize(
    "address",
    [
        "/roles/coo/",
        "/roles/COO/",
        "/roles/Chief-Operating-Officer/",
        "/roles/head-of-operations/",
        "/roles/Head-Of-Operations/",
        "/roles/vice-president-operations/",
    ],
)
def test_what_people_type_redirects_permanently_to_the_role(client, coo, address):
    response = client.get(address)

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/roles/chief-operating-officer/"


def test_a_roles_own_slug_wins_over_another_roles_alternate_title(client, coo):
    director = RoleFactory(title="Head of Operations")

    response = client.get("/roles/head-of-operations/")

    assert response.status_code == HTTPStatus.OK
    assert director.title in response.content.decode()


def test_a_slug_in_capitals_redirects_to_its_own_role_before_any_alias(client, coo):
    director = RoleFactory(title="Head of Operations")

    response = client.get("/roles/HEAD-OF-OPERATIONS/")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == director.get_absolute_url()


def test_an_alias_two_roles_share_does_not_redirect(client, coo):
    other = RoleFactory(title="Director of Operations")
    AlternateTitleFactory(role=other, title="Head of Operations")

    response = client.get("/roles/head-of-operations/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_alias_of_a_draft_role_is_not_found(client):
    draft = RoleFactory(title="Chief Data Officer", abbreviation="CDO", is_published=False)

    assert client.get("/roles/cdo/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/roles/{draft.slug}/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("address", ["/roles/nothing-here/", "/roles/-/", f"/roles/{'a' * 500}/"])
def test_an_address_no_role_answers_to_is_not_found(client, coo, address):
    assert client.get(address).status_code == HTTPStatus.NOT_FOUND


def test_an_alias_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards against a query per role or per alternate title when an address misses."""
    counts = []
    for size in (2, 20):
        for n in range(size):
            role = RoleFactory(title=f"Role {size}-{n}")
            AlternateTitleFactory(role=role, title=f"Alias {size}-{n}")
        with django_assert_max_num_queries(ALIAS_QUERIES) as captured:
            response = client.get(f"/roles/alias-{size}-0/")
        assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
        counts.append(len(captured))

    assert counts[0] == counts[1]


# --- The comparison picker ---------------------------------------------------------------


def test_the_compare_address_without_a_pair_offers_two_selects_of_published_roles(client, coo):
    RoleFactory(title="Chief Executive Officer", abbreviation="CEO")
    RoleFactory(title="Secret Role", is_published=False)

    html = get_page(client, "/roles/compare/")

    assert '<form class="filter-form" action="/roles/compare/" method="get"' in html
    assert html.count("<select") == 2
    assert '<option value="chief-operating-officer">Chief Operating Officer (COO)</option>' in html
    assert "Chief Executive Officer (CEO)" in html
    assert "Secret Role" not in html


def test_choosing_two_roles_leads_to_their_comparison(client, coo):
    ceo = RoleFactory(title="Chief Executive Officer")

    response = client.get("/roles/compare/", {"a": coo.slug, "b": ceo.slug})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse(
        "roles:role_compare", kwargs={"pair": "chief-operating-officer-vs-chief-executive-officer"}
    )


@pytest.mark.parametrize(
    ("a", "b", "error"),
    [
        ("chief-operating-officer", "chief-operating-officer", "Choose a different role"),
        ("chief-operating-officer", "", "This field is required."),
        ("chief-operating-officer", "no-such-role", "Select a valid choice."),
        ("chief-operating-officer", "x" * 5000, "Select a valid choice."),
    ],
)
def test_a_pair_that_cannot_be_compared_is_answered_with_the_form_and_its_error(
    client, coo, a, b, error
):
    response = client.get("/roles/compare/", {"a": a, "b": b})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error in response.content.decode()


def test_the_picker_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards against a query per select or per role: both selects share one list."""
    for n in range(15):
        RoleFactory(title=f"Role {n}")
    with django_assert_max_num_queries(PICKER_QUERIES):
        html = get_page(client, "/roles/compare/")

    assert html.count('<option value="role-14">') == 2
