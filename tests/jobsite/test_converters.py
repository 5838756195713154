"""Ids in paths (jobsite.converters.RowId): a number no database integer holds is no row's."""

from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db

TOO_LONG = "9" * 19  # over 2**63 - 1


@pytest.mark.parametrize(
    "path",
    [
        f"/recruiters/postings/{TOO_LONG}/",
        f"/recruiters/postings/{TOO_LONG}/preview/",
        f"/recruiters/organisation/members/{TOO_LONG}/remove/",
    ],
)
def test_a_recruiters_page_of_an_id_too_long_for_the_database_is_not_found(recruiter_client, path):
    assert recruiter_client.get(path).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("action", ["save", "remove"])
def test_saving_an_id_too_long_for_the_database_is_not_found(recruiter_client, action):
    response = recruiter_client.post(f"/me/saved/{TOO_LONG}/{action}/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_longest_id_a_database_holds_still_reaches_the_page(recruiter_client):
    # 18 digits: matched, then simply no such posting.
    response = recruiter_client.get(f"/recruiters/postings/{'9' * 18}/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.resolver_match.url_name == "posting_manage"
