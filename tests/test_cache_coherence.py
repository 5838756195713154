"""The page cache stays coherent across instances that share Redis: an admin edit made through
one is what every other sees at its next request.

The servers-and-all version is `bench/coherence.py` (two gunicorn instances on PostgreSQL).
This one runs in the suite: an editor's client and two visitors' clients share a Redis
database (db 12), and a separate Redis connection checks that the edit's invalidation lives
in Redis, where every other process would see it, not in this process's memory.
"""

from http import HTTPStatus

import pytest
import redis
from django.test import Client
from django.urls import reverse

from bench.coherence import FormParser
from postings.models import Posting
from roles.models import Role
from tests.factories import PostingFactory, RoleFactory, StaffFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/12"
VERSION_KEY = ":1:public-pages:version"  # caching.VERSION_KEY as Django's RedisCache stores it


@pytest.fixture
def shared_redis(settings):
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis does not answer at {REDIS_URL}; CI provides it.")
    connection.flushdb()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    yield connection
    connection.flushdb()


@pytest.fixture
def coo():
    return RoleFactory(
        title="Chief Operating Officer",
        slug="chief-operating-officer",
        brief_answer="Runs the business day to day.",
    )


@pytest.fixture
def editor():
    client = Client()
    client.force_login(StaffFactory())
    return client


def save_in_admin(client: Client, url: str, form_id: str, **changes: str) -> None:
    """Post the admin change form back as a browser would, with `changes`."""
    parser = FormParser(form_id)
    parser.feed(client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in changes.items()})
    data["_save"] = ["Save"]
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]


def test_an_admin_edit_through_one_instance_shows_on_another_at_its_next_request(
    shared_redis, coo, editor
):
    posting = PostingFactory(role=coo, title="Head of Operations")
    instance_a, instance_b = Client(), Client()
    explainer, posting_page = coo.get_absolute_url(), posting.get_absolute_url()
    for client in (instance_a, instance_b):
        for url in (explainer, posting_page):
            assert client.get(url).status_code == HTTPStatus.OK
    assert shared_redis.keys("*public-pages:*:*"), "the pages should be stored in Redis"

    # Behind the site's back (no signal): B answers from the shared cache, so the test
    # below is about the cache and not about a page that was never cached.
    Role.objects.filter(pk=coo.pk).update(brief_answer="A change nobody announced.")
    assert "A change nobody announced." not in instance_b.get(explainer).content.decode()

    version_before = shared_redis.get(VERSION_KEY)
    save_in_admin(
        editor,
        reverse("admin:roles_role_change", args=[coo.pk]),
        "role_form",
        brief_answer="Turns the plans of the board into daily work.",
    )
    save_in_admin(
        editor,
        reverse("admin:postings_posting_change", args=[posting.pk]),
        "posting_form",
        title="Director of Operations",
    )

    # Any process reading this Redis sees that every stored page is out of date...
    assert shared_redis.get(VERSION_KEY) != version_before
    # ...and the other instance shows both edits at once.
    assert "Turns the plans of the board into daily work." in (
        instance_b.get(explainer).content.decode()
    )
    assert "Director of Operations" in instance_b.get(posting_page).content.decode()
    assert "Director of Operations" in instance_a.get(posting_page).content.decode()


def test_a_version_bumped_in_redis_by_another_process_is_seen_at_the_next_request(shared_redis):
    """The version is read from Redis at every request, never remembered in the process:
    another instance's edit is an INCR there, and this one must notice it at once."""
    posting = PostingFactory(title="Head of Operations")
    visitor = Client()
    url = posting.get_absolute_url()
    assert "Head of Operations" in visitor.get(url).content.decode()

    Posting.objects.filter(pk=posting.pk).update(title="Director of Operations")
    assert "Head of Operations" in visitor.get(url).content.decode()  # from the cache

    shared_redis.incr(VERSION_KEY)

    assert "Director of Operations" in visitor.get(url).content.decode()
