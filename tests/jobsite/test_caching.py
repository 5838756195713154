"""The public pages' cache: what it keeps, what clears it, who never gets a cached page, and
the headers that let browsers and a CDN revalidate."""

from datetime import timedelta
from http import HTTPStatus
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections, router
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jobsite import caching
from postings.models import Membership, Organisation, Posting
from roles.models import Responsibility, Role
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PostingFactory,
    ResponsibilityFactory,
    RoleFactory,
    StaffFactory,
    write_behind_the_caches_back,
)
from tests.helpers import JOBS, admin_form_data, response_body

pytestmark = pytest.mark.django_db

HOME = reverse("postings:home")
ROLES = "/roles/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def visitor():
    """An anonymous visitor with a browser of their own: no cookies shared with staff."""
    return Client()


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def coo():
    role = RoleFactory(
        title="Chief Operating Officer",
        slug="chief-operating-officer",
        abbreviation="COO",
        brief_answer="A COO runs the business day to day.",
    )
    ResponsibilityFactory(role=role, text="Run daily operations.", order=1)
    return role


def text(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def admin_edit(client, url: str, **changes: str) -> None:
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]


# --- The cache is used ----------------------------------------------------------------


def test_a_repeat_visit_is_served_from_the_cache_without_queries(
    visitor, coo, django_assert_num_queries
):
    """A cache hit must not touch the database: no session, no user, no rows."""
    PostingFactory.create_batch(3, role=coo)
    for url in (HOME, JOBS, coo.get_absolute_url(), Posting.objects.first().get_absolute_url()):
        first = visitor.get(url)

        with django_assert_num_queries(0):
            again = visitor.get(url)

        assert again.status_code == HTTPStatus.OK
        assert again.content == first.content


def test_a_change_that_sends_no_signal_is_not_seen_until_the_version_is_bumped(visitor, coo):
    """Proves that pages come from the cache: SQL written directly bypasses the signals."""
    assert "A COO runs the business day to day." in text(visitor, coo.get_absolute_url())

    write_behind_the_caches_back(coo, brief_answer="Changed behind the cache's back.")
    assert "A COO runs the business day to day." in text(visitor, coo.get_absolute_url())

    caching.bump()
    assert "Changed behind the cache's back." in text(visitor, coo.get_absolute_url())


def test_a_page_rendered_while_an_edit_lands_is_rendered_again_at_the_next_request(rf):
    """The version is read before the page is built: a page built from rows older than an
    edit is stored with the version before it, so the next request does not get it."""
    renders = []
    edit_meanwhile = False

    @caching.public_page
    def page(request):
        renders.append(request.path)
        if edit_meanwhile:
            caching.bump()
        return HttpResponse(f"render {len(renders)}")

    page(rf.get("/quiet/"))
    assert page(rf.get("/quiet/")).content == b"render 1"

    edit_meanwhile = True
    page(rf.get("/busy/"))
    edit_meanwhile = False
    assert page(rf.get("/busy/")).content == b"render 3"
    assert page(rf.get("/busy/")).content == b"render 3"


def test_the_page_cache_can_be_turned_off(visitor, coo, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    text(visitor, coo.get_absolute_url())

    write_behind_the_caches_back(coo, brief_answer="Seen at once without a cache.")

    assert "Seen at once without a cache." in text(visitor, coo.get_absolute_url())


# --- Edits clear it ---------------------------------------------------------------------


def test_editing_a_role_in_admin_shows_on_its_explainer_and_its_postings_next_request(
    visitor, staff_client, coo
):
    posting = PostingFactory(role=coo, title="Second in command")
    explainer = coo.get_absolute_url()
    assert "Chief Operating Officer" in text(visitor, explainer)
    assert "Chief Operating Officer" in text(visitor, posting.get_absolute_url())
    assert "Chief Operating Officer" in text(visitor, JOBS)

    admin_edit(
        staff_client,
        reverse("admin:roles_role_change", args=[coo.pk]),
        title="Chief Operations Officer",
        brief_answer="A COO keeps the whole company running.",
    )

    page = text(visitor, explainer)
    assert "Chief Operations Officer" in page
    assert "A COO keeps the whole company running." in page
    assert "A COO runs the business day to day." not in page
    assert "Chief Operations Officer" in text(visitor, posting.get_absolute_url())
    assert "Chief Operations Officer" in text(visitor, JOBS, q="COO")


def test_editing_a_roles_part_in_admin_shows_on_the_explainer(visitor, staff_client, coo):
    assert "Run daily operations." in text(visitor, coo.get_absolute_url())

    admin_edit(
        staff_client,
        reverse("admin:roles_role_change", args=[coo.pk]),
        **{"responsibilities-0-text": "Turn the strategy into daily work."},
    )

    page = text(visitor, coo.get_absolute_url())
    assert "Turn the strategy into daily work." in page
    assert "Run daily operations." not in page


def test_editing_a_posting_through_the_recruiter_form_shows_on_every_page_that_lists_it(
    visitor, coo
):
    membership = MembershipFactory(access=Membership.Access.OWNER)
    posting = PostingFactory(
        organisation=membership.organisation, role=coo, title="Operations chief", city="Leeds"
    )
    for url in (posting.get_absolute_url(), JOBS, HOME, coo.get_absolute_url()):
        assert "Operations chief" in text(visitor, url)
    recruiter = Client()
    recruiter.force_login(membership.user)

    response = recruiter.post(
        reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}),
        {
            "role": coo.pk,
            "title": "Chief of operations, Leeds",
            "description": posting.description,
            "responsibilities": posting.responsibilities,
            "qualifications": posting.qualifications,
            "employment_type": posting.employment_type,
            "workplace": "on_site",
            "city": "Leeds",
            "region": "",
            "country": "GB",
            "remote_countries": "",
            "salary_min": "",
            "salary_max": "",
            "salary_currency": "",
            "salary_period": "year",
            "apply_url": posting.apply_url,
            "apply_email": "",
            "valid_through": "",
        },
    )
    assert response.status_code == HTTPStatus.FOUND

    for url in (posting.get_absolute_url(), JOBS, HOME, coo.get_absolute_url()):
        page = text(visitor, url)
        assert "Chief of operations, Leeds" in page
        assert "Operations chief" not in page


def test_closing_a_posting_takes_it_off_the_cached_lists(visitor, coo):
    posting = PostingFactory(role=coo, title="Soon to close")
    assert "Soon to close" in text(visitor, JOBS)

    posting.close(by=None)

    assert "Soon to close" not in text(visitor, JOBS)
    assert "Soon to close" not in text(visitor, coo.get_absolute_url())


def test_suspending_an_organisation_in_admin_takes_its_postings_off_the_cached_pages(
    visitor, staff_client, coo
):
    posting = PostingFactory(role=coo, title="Job at a doubtful employer")
    assert visitor.get(posting.get_absolute_url()).status_code == HTTPStatus.OK
    assert "Job at a doubtful employer" in text(visitor, JOBS)

    admin_edit(
        staff_client,
        reverse("admin:postings_organisation_change", args=[posting.organisation.pk]),
        is_suspended="on",
    )

    assert Organisation.objects.get(pk=posting.organisation.pk).is_suspended
    assert visitor.get(posting.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert "Job at a doubtful employer" not in text(visitor, JOBS)
    assert "Job at a doubtful employer" not in text(visitor, coo.get_absolute_url())


# --- Writes that send no signal clear it too --------------------------------------------


def test_a_roles_queryset_update_shows_on_its_explainer(visitor, coo):
    assert "A COO runs the business day to day." in text(visitor, coo.get_absolute_url())

    Role.objects.filter(pk=coo.pk).update(brief_answer="Updated in bulk.")

    assert "Updated in bulk." in text(visitor, coo.get_absolute_url())


def test_a_bulk_created_part_of_a_role_shows_on_its_explainer(visitor, coo):
    assert "Hire the operations team." not in text(visitor, coo.get_absolute_url())

    Responsibility.objects.bulk_create(
        [Responsibility(role=coo, area="people", text="Hire the operations team.", order=2)]
    )

    assert "Hire the operations team." in text(visitor, coo.get_absolute_url())


def test_a_postings_queryset_update_shows_on_its_page_and_the_lists(visitor, coo):
    posting = PostingFactory(role=coo, title="Operations chief")
    for url in (posting.get_absolute_url(), JOBS):
        assert "Operations chief" in text(visitor, url)

    Posting.objects.filter(pk=posting.pk).update(title="Head of operations")

    for url in (posting.get_absolute_url(), JOBS):
        assert "Head of operations" in text(visitor, url)


def test_bulk_updated_postings_show_on_the_lists(visitor, coo):
    posting = PostingFactory(role=coo, title="Operations chief")
    assert "Operations chief" in text(visitor, JOBS)

    posting.title = "Head of operations"
    Posting.objects.bulk_update([posting], ["title"])

    assert "Head of operations" in text(visitor, JOBS)


def test_a_bulk_created_posting_shows_on_the_lists(visitor, coo):
    model = PostingFactory(role=coo, title="Already listed")
    assert "Created in bulk" not in text(visitor, JOBS)

    Posting.objects.bulk_create(
        [
            PostingFactory.build(
                role=coo, organisation=model.organisation, title="Created in bulk", slug="bulk"
            )
        ]
    )

    assert "Created in bulk" in text(visitor, JOBS)


def test_suspending_organisations_with_the_admin_action_takes_their_postings_off_the_pages(
    visitor, staff_client, coo
):
    posting = PostingFactory(role=coo, title="Job at a doubtful employer")
    assert "Job at a doubtful employer" in text(visitor, JOBS)

    response = staff_client.post(
        reverse("admin:postings_organisation_changelist"),
        {"action": "suspend", "_selected_action": [posting.organisation.pk]},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert visitor.get(posting.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert "Job at a doubtful employer" not in text(visitor, JOBS)


def test_loading_the_roles_shows_them_in_the_directory(visitor):
    assert "Chief Operating Officer" not in text(visitor, ROLES)

    call_command("load_roles", verbosity=0)

    assert "Chief Operating Officer" in text(visitor, ROLES)


def test_seeding_demo_postings_shows_them_on_the_lists(visitor, coo):
    assert "No jobs are open right now." in text(visitor, JOBS)

    call_command("seed_demo", postings=3, seed=1, verbosity=0)

    assert Posting.objects.public().newest_first()[0].title in text(visitor, JOBS)


# --- Time -------------------------------------------------------------------------------


def test_a_page_is_kept_no_longer_than_its_first_listed_posting_is_open(visitor, coo, settings):
    soon = timezone.now() + timedelta(seconds=90)
    PostingFactory(role=coo, valid_through=soon)
    PostingFactory(role=coo)

    response = visitor.get(JOBS)

    assert 0 < caching.seconds_to_keep(response, settings.PUBLIC_PAGE_CACHE_SECONDS) <= 90


def test_a_page_whose_posting_has_expired_is_not_stored(visitor, coo):
    """Expiry sends no signal: a page listing a posting about to expire is not kept past
    it, so the next request renders afresh."""
    posting = PostingFactory(role=coo, title="About to expire")
    Posting.objects.filter(pk=posting.pk).update(valid_through=timezone.now() + timedelta(0, 1))
    caching.bump()
    assert "About to expire" in text(visitor, JOBS)

    write_behind_the_caches_back(posting, valid_through=timezone.now())

    assert "About to expire" not in text(visitor, JOBS)


# --- Who never gets a cached page -------------------------------------------------------


def test_a_logged_in_recruiter_never_gets_a_cached_page_nor_fills_the_cache(visitor, coo):
    membership = MembershipFactory(access=Membership.Access.OWNER)
    recruiter = Client()
    recruiter.force_login(membership.user)
    url = coo.get_absolute_url()

    mine = recruiter.get(url)
    Role.objects.filter(pk=coo.pk).update(brief_answer="Written after the recruiter's visit.")

    # The recruiter's page was not stored: the visitor sees the current text...
    assert "Written after the recruiter's visit." in text(visitor, url)
    Role.objects.filter(pk=coo.pk).update(brief_answer="Written after the visitor's visit.")
    # ...and the visitor's stored page is not what the recruiter gets.
    assert "Written after the visitor's visit." in text(recruiter, url)
    assert "private" in mine["Cache-Control"]
    assert "public" not in mine["Cache-Control"]


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(visitor, coo):
    text(visitor, coo.get_absolute_url())
    Role.objects.filter(pk=coo.pk).update(brief_answer="Fresh for the message reader.")
    visitor.cookies["messages"] = "anything"

    response = visitor.get(coo.get_absolute_url())

    assert "Fresh for the message reader." in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_recruiter_pages_are_never_stored(client):
    membership = MembershipFactory(access=Membership.Access.OWNER)
    client.force_login(membership.user)

    response = client.get(reverse("recruiters:dashboard"))

    assert response.status_code == HTTPStatus.OK
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# --- Headers and conditional requests ----------------------------------------------------


@pytest.mark.parametrize("cached", [True, False])
def test_public_pages_say_public_short_max_age_and_vary_on_cookie(visitor, coo, settings, cached):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300 if cached else 0
    posting = PostingFactory(role=coo)
    urls = [
        HOME,
        JOBS,
        reverse("roles:role_directory"),
        coo.get_absolute_url(),
        posting.get_absolute_url(),
        reverse("sitemap"),
    ]
    for url in urls:
        for _ in range(2):
            response = visitor.get(url)
            assert response.status_code == HTTPStatus.OK, url
            control = response["Cache-Control"]
            assert "public" in control, url
            assert f"max-age={settings.PUBLIC_PAGE_MAX_AGE}" in control, url
            assert "stale-while-revalidate=" in control, url
            assert "Cookie" in response["Vary"], url
            assert response["ETag"].startswith('"'), url


def test_a_repeat_request_with_the_etag_answers_304_until_the_page_changes(visitor, coo):
    url = coo.get_absolute_url()
    etag = visitor.get(url)["ETag"]

    not_modified = visitor.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == HTTPStatus.NOT_MODIFIED
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag

    coo.brief_answer = "A new answer."
    coo.save()

    changed = visitor.get(url, headers={"if-none-match": etag})
    assert changed.status_code == HTTPStatus.OK
    assert changed["ETag"] != etag
    assert "A new answer." in changed.content.decode()


def test_posting_page_has_last_modified_and_answers_if_modified_since(visitor, coo):
    posting = PostingFactory(role=coo)
    response = visitor.get(posting.get_absolute_url())
    last_modified = response["Last-Modified"]
    assert last_modified.endswith("GMT")

    again = visitor.get(posting.get_absolute_url(), headers={"if-modified-since": last_modified})

    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_a_write_in_bulk_moves_the_rows_date_as_a_save_does(visitor, coo):
    """Django moves an auto_now date on save() only; the public models' update() moves it
    too, or a page changed by an admin action would keep its old Last-Modified."""
    posting = PostingFactory(role=coo)
    long_ago = timezone.now() - timedelta(days=3)
    for row in (posting, posting.organisation, coo):
        type(row).objects.filter(pk=row.pk).update(updated_at=long_ago)
    before = visitor.get(posting.get_absolute_url())["Last-Modified"]

    Posting.objects.filter(pk=posting.pk).update(title="Director of Operations")

    after = visitor.get(posting.get_absolute_url(), headers={"if-modified-since": before})
    assert after.status_code == HTTPStatus.OK
    assert after["Last-Modified"] != before
    assert "Director of Operations" in after.content.decode()


def test_a_stale_etag_gets_the_full_page(visitor, coo):
    response = visitor.get(coo.get_absolute_url(), headers={"if-none-match": '"stale"'})

    assert response.status_code == HTTPStatus.OK
    assert "Chief Operating Officer" in response.content.decode()


def test_not_found_pages_are_not_cached(visitor):
    assert visitor.get("/roles/no-such-role/").status_code == HTTPStatus.NOT_FOUND
    role = RoleFactory(slug="no-such-role", title="Now It Exists")

    assert "Now It Exists" in text(visitor, role.get_absolute_url())


def test_a_page_is_one_copy_whatever_host_the_client_names(
    coo, settings, django_assert_num_queries
):
    """Absolute URLs come from SITE_URL, not the Host header: another host's request is
    answered from the same copy, and cannot make copies of its own."""
    settings.ALLOWED_HOSTS = ["jobs.example.com", "testserver"]
    first = Client().get(coo.get_absolute_url())

    with django_assert_num_queries(0):
        other = Client(HTTP_HOST="jobs.example.com").get(coo.get_absolute_url())

    assert other["ETag"] == first["ETag"]
    assert 'href="http://testserver/roles/' in other.content.decode()


def test_an_organisation_change_clears_the_cache():
    before = caching.version()

    OrganisationFactory(name="Fresh Employer")

    assert caching.version() != before


# --- A hit answered by the middleware, before the view ------------------------------------


def test_a_page_from_the_cache_carries_every_header_a_rendered_one_does(visitor, coo):
    first = visitor.get(coo.get_absolute_url())
    again = Client().get(coo.get_absolute_url())

    assert again.content == first.content
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Content-Length",
        "ETag",
        "Cache-Control",
        "Vary",
    ):
        assert again[header] == first[header], header


@pytest.mark.parametrize("path", ["/sitemap.xml", "/sitemap-pages.xml"])
def test_a_sitemap_from_the_cache_still_tells_search_engines_not_to_index_it(
    path, coo, django_assert_num_queries
):
    first = Client().get(path)

    with django_assert_num_queries(0):  # from the cache
        again = Client().get(path)

    assert first["X-Robots-Tag"] == again["X-Robots-Tag"] == "noindex, noodp, noarchive"


def test_a_cached_page_asked_for_under_a_host_the_site_does_not_serve_is_refused(coo, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert Client().get(coo.get_absolute_url()).status_code == HTTPStatus.OK

    response = Client(HTTP_HOST="attacker.example").get(coo.get_absolute_url())

    assert response.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.django_db(databases="__all__")
def test_a_miss_asks_the_cache_once_and_an_address_that_is_no_public_page_never(
    database_cache, coo
):
    alias = router.db_for_read(database_cache.cache_model_class) or "default"

    def cache_reads(url: str) -> int:
        with CaptureQueriesContext(connections[alias]) as queries:
            assert Client().get(url).status_code == HTTPStatus.OK
        return sum(q["sql"].startswith("SELECT cache_key, value") for q in queries)

    assert cache_reads(coo.get_absolute_url()) == 1  # a miss: looked up once, then rendered
    assert cache_reads(coo.get_absolute_url()) == 1  # a hit
    assert cache_reads(reverse("healthz")) == 0


# --- A page's body: stored once under its ETag, kept in each process's memory ---------------


def test_a_process_that_never_served_a_page_serves_the_stored_one(
    visitor, coo, django_assert_num_queries
):
    first = visitor.get(coo.get_absolute_url())
    caching.BODIES.clear()  # another process: none of the bodies this one kept

    with django_assert_num_queries(0):
        again = Client().get(coo.get_absolute_url())

    assert again.status_code == HTTPStatus.OK
    assert again["ETag"] == first["ETag"]
    assert again.content == first.content


def test_a_body_kept_in_memory_is_not_served_once_an_edit_makes_another_page(visitor, coo):
    old = visitor.get(coo.get_absolute_url())
    assert caching.BODIES.get(old["ETag"]) == old.content

    Role.objects.filter(pk=coo.pk).update(brief_answer="A COO turns strategy into operations.")
    new = visitor.get(coo.get_absolute_url())

    assert "A COO turns strategy into operations." in new.content.decode()
    assert new["ETag"] != old["ETag"]
    assert caching.BODIES.get(old["ETag"]) == old.content  # kept, and not what was served


def test_a_page_whose_body_the_cache_dropped_is_rendered_and_stored_again(visitor, coo):
    first = visitor.get(coo.get_absolute_url())
    cache.delete(caching.body_key(first["ETag"]))  # evicted, say; its head still there
    caching.BODIES.clear()

    again = Client().get(coo.get_absolute_url())

    assert again.status_code == HTTPStatus.OK
    assert again.content == first.content
    assert cache.get(caching.body_key(first["ETag"])) == first.content


def test_the_bodies_kept_in_memory_stay_within_their_bytes_dropping_the_least_recently_used():
    bodies = caching.Bodies(limit=10)
    bodies.put('"a"', b"aaaa")
    bodies.put('"b"', b"bbbb")
    assert bodies.get('"a"') == b"aaaa"  # now the most recently used

    bodies.put('"c"', b"cccc")
    bodies.put('"big"', b"x" * 11)

    assert bodies.get('"b"') is None
    assert bodies.get('"big"') is None
    assert (bodies.get('"a"'), bodies.get('"c"')) == (b"aaaa", b"cccc")


# --- The default cache: shared by every process ------------------------------------------


@pytest.mark.django_db(databases="__all__")
def test_two_processes_bumping_at_once_each_make_a_version_no_page_was_stored_under(settings):
    """The default cache's table has no atomic increment: both processes read the version
    before either writes. Each write must still be a version never seen before, or a page
    rendered before the second edit would stay current."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "public_cache",
        }
    }
    before = caching.version()
    written = []
    for _ in range(2):
        with mock.patch.object(cache, "get", return_value=before):
            caching._bump()
        written.append(caching.version())

    assert before not in written
    assert written[0] != written[1]


@pytest.fixture
def database_cache(settings):
    """The site's default cache: jobsite.db_cache.DatabaseCache on its table."""
    settings.CACHES = {
        "default": {"BACKEND": "jobsite.db_cache.DatabaseCache", "LOCATION": "public_cache"}
    }
    call_command("createcachetable", verbosity=0)
    from django.core.cache import cache as default_cache

    yield default_cache
    default_cache.clear()


@pytest.mark.django_db(databases="__all__")
def test_the_default_cache_reads_several_keys_as_django_does_and_never_an_expired_one(
    database_cache,
):
    database_cache.set("kept", {"page": b"\x00<html>"}, timeout=60)
    database_cache.set("forever", 7, timeout=None)
    database_cache.set("soon-gone", "old", timeout=1)

    assert database_cache.get_many(["kept", "forever", "soon-gone", "absent"]) == {
        "kept": {"page": b"\x00<html>"},
        "forever": 7,
        "soon-gone": "old",
    }
    later = timezone.now() + timedelta(seconds=2)
    with mock.patch("jobsite.db_cache.timezone.now", return_value=later):
        assert database_cache.get_many(["kept", "forever", "soon-gone"]) == {
            "kept": {"page": b"\x00<html>"},
            "forever": 7,
        }


@pytest.mark.django_db(databases="__all__")
def test_a_page_hit_on_the_default_cache_reads_its_version_and_head_in_one_query(
    database_cache, coo, django_assert_num_queries
):
    first = Client().get(coo.get_absolute_url())

    alias = router.db_for_read(database_cache.cache_model_class) or "default"
    with django_assert_num_queries(1, connection=connections[alias]):
        again = Client().get(coo.get_absolute_url())

    assert again.content == first.content


# --- Query parameters: only those a page reads ---------------------------------------------


JUNK = "<script>alert(1)</script>"


def test_a_parameter_the_search_does_not_read_neither_bypasses_the_cache_nor_reaches_the_page(
    coo, django_assert_num_queries
):
    PostingFactory.create_batch(21, role=coo, title="Operations Director")
    first = Client().get(JOBS, {"q": "operations", "x": JUNK})
    assert first.status_code == HTTPStatus.OK
    assert 'rel="next"' in first.content.decode()  # pagination links are on the page

    with django_assert_num_queries(0):
        second = Client().get(JOBS, {"q": "operations", "x": "2"})

    page = second.content.decode()
    assert second["ETag"] == first["ETag"]
    for trace in ("<script>alert", "&lt;script", "%3Cscript", "alert(1)"):
        assert trace not in page
    assert "x=2" not in page
    assert "?x=" not in page
    assert "&amp;x=" not in page
    assert '<a href="?q=operations&amp;page=2" rel="next">' in page


def test_the_order_of_the_parameters_makes_no_other_copy(coo, django_assert_num_queries):
    PostingFactory(role=coo, workplace="remote")
    first = Client().get(f"{JOBS}?workplace=remote&role={coo.slug}")

    with django_assert_num_queries(0):
        second = Client().get(f"{JOBS}?role={coo.slug}&workplace=remote")

    assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap.xml",
        "/sitemap-postings.xml",
        "/jobs/feed.xml",
        "/jobs/feed/rss/",
        "/jobs/feed/atom/",
        HOME,
        "/roles/",
        "/roles/chief-operating-officer/",
        "posting",
    ],
)
def test_a_random_parameter_is_answered_from_the_cache(url, coo, django_assert_num_queries):
    posting = PostingFactory(role=coo)
    url = posting.get_absolute_url() if url == "posting" else url
    first = Client().get(url, {"x": "first-visitor-123"})
    assert first.status_code == HTTPStatus.OK

    with django_assert_num_queries(0):
        second = Client().get(url, {"x": "another-visitor-456"})

    assert second.status_code == HTTPStatus.OK
    assert b"visitor" not in response_body(second)


def test_a_parameter_a_page_reads_still_makes_a_page_of_its_own(coo):
    PostingFactory(role=coo, title="Logistics Lead")
    PostingFactory(role=coo, title="Finance Partner")

    assert "Finance Partner" not in text(Client(), JOBS, q="logistics")
    assert "<mark>Finance</mark> Partner" in text(Client(), JOBS, q="finance")
