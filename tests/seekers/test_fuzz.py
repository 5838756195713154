"""No query string or id makes a job seeker's page fail."""

from http import HTTPStatus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import PostingFactory
from tests.helpers import fuzzing, response_body

hostile = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "-1", "99999999999999999999", "<script>", "%", "x" * 10_000]),
)
query_strings = st.lists(st.tuples(st.text(max_size=10), hostile), max_size=6)

pytestmark = pytest.mark.django_db

PAGES = ["/me/", "/me/data/", "/me/delete/", "/accounts/signup/"]


@pytest.fixture
def pages(seeker_client):
    return [*PAGES, f"/me/saved/{PostingFactory().pk}/save/"]


@fuzzing(examples=30)
@given(data=st.data(), query=query_strings, as_=st.text(max_size=20))
def test_no_query_string_makes_a_seekers_page_fail(client, pages, data, query, as_):
    url = data.draw(st.sampled_from(pages))

    response = client.get(url, [*query, ("as", as_)])

    assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}, (url, query)
    assert b"Traceback" not in response_body(response)


@fuzzing(examples=30)
@given(pk=st.text(max_size=40))
def test_no_id_makes_saving_or_removing_fail(seeker_client, pk):
    for action in ("save", "remove"):
        response = seeker_client.post(f"/me/saved/{pk.replace('/', '')}/{action}/")

        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (action, pk)
