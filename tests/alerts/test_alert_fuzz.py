"""No input makes an alert page fail: hostile query strings on the sign-up page, hostile
form fields, and hostile tokens in the signed links."""

from contextlib import contextmanager
from http import HTTPStatus
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from alerts import links
from alerts.models import Alert
from tests.alerts.helpers import make_alert
from tests.helpers import fuzzing

pytestmark = pytest.mark.django_db

FUZZ = fuzzing(examples=25)
ODD = ["", " ", "\x00", "a\x00b", "-1", "9" * 40, "weekly ", "WEEKLY", "<script>", "x" * 5000]
values = st.one_of(st.sampled_from(ODD), st.text(max_size=40))
# One value, or the same key repeated.
hostile_values = st.one_of(values, st.lists(values, min_size=2, max_size=3))


def changes_to(fields: list[str]):
    keys = st.one_of(st.sampled_from(fields), st.text(min_size=1, max_size=12))
    return st.dictionaries(keys, hostile_values, min_size=1, max_size=len(fields) + 1)


@contextmanager
def isolated():
    """One example in a savepoint, rolled back after it."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


SEARCH_KEYS = ["q", "role", "location", "country", "workplace", "salary_min", "currency", "page"]


def with_changes(base: dict, changes: dict) -> dict:
    return {**base, **changes}


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
        data = with_changes({"frequency": "daily", "email": "ada@example.com"}, changes)
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
        response = client.post(url, with_changes({"frequency": "weekly"}, changes))
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
