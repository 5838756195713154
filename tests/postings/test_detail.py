"""The posting page: /jobs/<slug>/, its JSON-LD, and the recruiter's preview of it."""

from http import HTTPStatus

import pytest

from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def test_open_posting_shows_its_title_and_organisation(client):
    posting = PostingFactory(title="Director of Operations", organisation__name="Acme")

    response = client.get(posting.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Director of Operations" in body
    assert "Acme" in body
