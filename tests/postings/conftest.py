"""Fixtures the postings tests share."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import PostingFactory


@pytest.fixture
def postings_of_every_kind():
    """One open posting and one of every kind the public must not find."""
    return {
        "open": PostingFactory(title="Open Job", organisation__name="Acme"),
        "draft": PostingFactory(title="Draft Job", draft=True),
        "expired": PostingFactory(title="Expired Job", expired=True),
        "closed": PostingFactory(title="Closed Job", closed=True),
        "suspended": PostingFactory(title="Suspended Job", organisation__is_suspended=True),
        "scheduled": PostingFactory(
            title="Scheduled Job", published_at=timezone.now() + timedelta(days=3)
        ),
    }
