"""No input makes an alert page fail: hostile query strings on the sign-up page, hostile
form fields, and hostile tokens in the signed links."""

from http import HTTPStatus
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerts import links
from alerts.models import Alert
from tests.alerts.conftest import make_alert
from tests.helpers import fuzzing
from tests.test_form_fuzz import as_post_data, changes_to, hostile_values, isolated

pytestmark = pytest.mark.django_db

FUZZ = fuzzing(examples=25)
SEARCH_KEYS = ["q", "role", "location", "country", "workplace", "salary_min", "currency", "page"]


@FUZZ
@given(
    query=st.dictionaries(st.sampled_from(SEARCH_KEYS), hostile_values, max_size=4),
    changes=changes_to(["frequency", "email"]),
)
def test_no_search_or_form_input_makes_the_sign_up_fail(client, query, changes):
    with isolated():
        before = Alert.objects.count()
        url = f"/alerts/new/?{urlencode(query, doseq=True)}"
        assert client.get(url).status_code == HTTPStatus.OK
        data = as_post_data({"frequency": "daily", "email": "ada@example.com"}, changes)
        response = client.post(url, data)
        if response.status_code == HTTPStatus.FOUND:
            assert response["Location"] == "/alerts/new/sent/"
            assert Alert.objects.count() <= before + 1
        else:
            assert response.status_code == HTTPStatus.OK
            assert response.context["form"].errors
            assert Alert.objects.count() == before


@FUZZ
@given(changes=changes_to(["frequency"]))
def test_no_input_makes_the_manage_page_fail(client, changes):
    with isolated():
        url = links.manage_path(make_alert())
        response = client.post(url, as_post_data({"frequency": "weekly"}, changes))
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
        if response.status_code == HTTPStatus.OK:
            assert response.context["form"].errors


@fuzzing(examples=30)
@given(
    token=st.one_of(st.text(max_size=120), st.sampled_from(["1:abc:def", "MQ", ":::", "%00"])),
    kind=st.sampled_from(["confirm", "manage", "unsubscribe"]),
    method=st.sampled_from(["get", "post"]),
)
def test_no_token_makes_a_link_fail(client, token, kind, method):
    response = getattr(client, method)(f"/alerts/{kind}/{quote(token, safe='')}/")
    assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.OK), token
    assert b"Traceback" not in response.content
