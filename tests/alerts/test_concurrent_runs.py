"""Two workers running the same searches at once (the periodic task queued twice, a retried
task beside the first): each posting reaches each alert once."""

import re
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from alerts import runs
from tests.alerts.helpers import make_alert, posted

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 2
ALERTS = 150


@pytest.fixture(autouse=True)
def _postgresql_only(transactional_db):
    """SQLite's in-memory test database fails a second writer at once ("database table is
    locked") rather than letting it wait, as tests/postings/test_concurrency.py says."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two writers at once")


def test_two_workers_never_send_a_posting_twice(smtp_inbox):
    for number in range(ALERTS):
        make_alert("workplace=remote", email=f"{number}@example.com")
    for hour in range(5):
        posted(title=f"Job {hour}", workplace="remote", hours_ago=1 + hour)
    now = timezone.now()
    barrier = threading.Barrier(WORKERS)
    errors = []

    def work():
        try:
            barrier.wait(timeout=10)
            runs.run_searches(["workplace=remote"], now)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    received = Counter()
    for message, recipients in zip(smtp_inbox.messages, smtp_inbox.recipients, strict=True):
        text = message.get_body(("plain",)).get_content()
        for title in re.findall(r"^\* (.+) at ", text, flags=re.MULTILINE):
            received[(recipients[0], title)] += 1
    assert len(received) == ALERTS * 5
    assert set(received.values()) == {1}
