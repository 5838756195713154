"""The aggregators' XML feed, /jobs/feed.xml: a file the worker builds (postings/aggregator.py,
postings/tasks.py), in the shape of Indeed's XML feed reference, served like a static file."""

import gzip
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from postings import aggregator, tasks
from postings.models import Posting, RenderedDescription, Workplace
from roles.models import EducationLevel
from tests.factories import PostingFactory, RoleFactory

pytestmark = pytest.mark.django_db

FEED = "/jobs/feed.xml"
# Indeed's XML feed reference, in its order; the optional ones only where there is a value.
JOB_ELEMENTS = [
    "title",
    "date",
    "referencenumber",
    "requisitionid",
    "url",
    "company",
    "sourcename",
    "city",
    "state",
    "country",
    "postalcode",
    "description",
    "salary",
    "education",
    "jobtype",
    "category",
    "experience",
    "expirationdate",
    "remotetype",
]
ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
IDENTITY = {"accept-encoding": "identity"}
GZIP = {"accept-encoding": "gzip, deflate, br"}


def parse_xml(document: bytes) -> ET.Element:
    return ET.fromstring(document)  # noqa: S314 - the site's own output, under test


def body(response) -> bytes:
    content = b"".join(response.streaming_content)
    return gzip.decompress(content) if response.get("Content-Encoding") == "gzip" else content


def feed_xml(client) -> bytes:
    """The feed as the worker has built it now."""
    tasks.refresh_aggregator_feed()
    response = client.get(FEED, headers=IDENTITY)
    assert response.status_code == HTTPStatus.OK
    return body(response)


def jobs(client) -> list[ET.Element]:
    return parse_xml(feed_xml(client)).findall("job")


# --- What it lists --------------------------------------------------------------------------


def test_the_feed_lists_only_open_postings(client, postings_of_every_kind):
    assert [job.findtext("title") for job in jobs(client)] == ["Open Job"]


def test_the_feed_lists_every_open_posting_newest_first_with_no_cap(client):
    now = timezone.now()
    for days in range(12):
        PostingFactory(title=f"{days} days old", published_at=now - timedelta(days=days, hours=1))

    titles = [job.findtext("title") for job in jobs(client)]

    assert titles == [f"{days} days old" for days in range(12)]


def test_the_source_names_the_publisher_and_no_build_time(client):
    PostingFactory()

    source = parse_xml(feed_xml(client))

    assert source.tag == "source"
    assert source.findtext("publisher") == "Rolewise"
    assert source.findtext("publisherurl") == "http://testserver/"
    assert source.find("lastBuildDate") is None


def test_a_job_has_the_references_elements_in_order(client):
    role = RoleFactory(
        title="Director of Operations",
        education_level=EducationLevel.BACHELOR,
        experience_years_min=8,
        experience_years_max=12,
    )
    posting = PostingFactory(
        title="Director of Operations",
        organisation__name="Northwind",
        role=role,
        postal_code="M1 1AE",
        workplace=Workplace.HYBRID,
    )

    (job,) = jobs(client)

    assert [child.tag for child in job] == JOB_ELEMENTS
    assert job.findtext("referencenumber") == job.findtext("requisitionid") == str(posting.pk)
    assert job.findtext("url") == f"http://testserver{posting.get_absolute_url()}"
    assert job.findtext("company") == job.findtext("sourcename") == "Northwind"
    assert (job.findtext("city"), job.findtext("state")) == ("Manchester", "England")
    assert (job.findtext("country"), job.findtext("postalcode")) == ("GB", "M1 1AE")
    assert job.findtext("salary") == "£60,000–£80,000 per year"
    assert job.findtext("education") == "Bachelor's degree"
    assert job.findtext("jobtype") == "fulltime"
    assert job.findtext("category") == "Director of Operations"
    assert job.findtext("experience") == "8+ years"
    assert job.findtext("remotetype") == "Hybrid remote"
    assert ISO_MOMENT.match(job.findtext("date"))
    assert job.findtext("date") == posting.published_at.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert ISO_MOMENT.match(job.findtext("expirationdate"))


def test_every_text_is_in_cdata(client):
    PostingFactory(postal_code="M1 1AE")

    document = feed_xml(client).decode()

    outside = re.sub(r"<!\[CDATA\[.*?\]\]>", "", document, flags=re.DOTALL)
    assert re.findall(r">\s*([^<\s][^<]*)<", outside) == [], "text outside CDATA"
    assert document.count("<![CDATA[") >= len(JOB_ELEMENTS)


def test_a_remote_job_without_a_place_still_names_a_city_and_a_state(client):
    PostingFactory(workplace=Workplace.REMOTE, city="", region="", remote_regions="worldwide")

    (job,) = jobs(client)

    assert job.findtext("city") == job.findtext("state") == "Remote"
    assert job.findtext("country") == "GB"
    assert job.findtext("remotetype") == "Fully remote"


def test_an_on_site_job_leaves_out_what_it_has_none_of(client):
    PostingFactory(workplace=Workplace.ON_SITE, valid_through=None, postal_code="")

    (job,) = jobs(client)

    assert job.find("remotetype") is None
    assert job.find("expirationdate") is None
    assert job.find("postalcode") is None


# --- Characters, not entities ---------------------------------------------------------------


def test_text_in_cdata_is_characters_not_html_entities(client):
    PostingFactory(
        title="R&D Lead",
        organisation__name="Tom & Jerry's",
        description='We\'re "R&D" — 5 > 4 & 3 < 4.\n\n**Caf\u00e9**&nbsp;time',
        qualifications="A bachelor's degree",
    )

    document = feed_xml(client).decode()
    (job,) = parse_xml(document.encode()).findall("job")

    assert "<title><![CDATA[R&D Lead]]></title>" in document
    assert "<company><![CDATA[Tom & Jerry's]]></company>" in document
    description = job.findtext("description")
    assert 'We\'re "R&D" — 5 > 4 & 3 < 4.' in description
    assert "<li>A bachelor's degree</li>" in description
    assert "<strong>Café</strong>\u00a0time" in description
    assert not re.search(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", description)


def test_what_would_read_as_markup_keeps_its_entity(client):
    """A typed "<script>" or "&amp;" is text: as characters it would be a tag or an
    ampersand to an HTML reader."""
    PostingFactory(description="Type `<script>alert(1)</script>` and &amp;copy; & R&D.")

    (job,) = jobs(client)
    description = job.findtext("description")

    assert "<script>" not in description
    assert "&lt;script>alert(1)&lt;/script>" in description
    # Markdown's "&amp;copy;" is the text "&copy;", which an HTML reader would take for ©.
    assert "&amp;copy; & R&D." in description


def test_a_cdata_end_marker_in_the_text_is_split_safely(client):
    PostingFactory(title="Ops ]]> Lead", description="Use `a[b[0]]>c` in code.")

    (job,) = jobs(client)

    assert job.findtext("title") == "Ops ]]> Lead"
    assert "a[b[0]]>c" in job.findtext("description")


def test_markup_in_titles_and_names_is_plain_words(client):
    PostingFactory(title="R&D <b>Lead</b> &lt;i&gt;", organisation__name="<i>Co</i>")

    (job,) = jobs(client)

    assert job.findtext("title") == "R&D Lead"
    assert job.findtext("company") == "Co"


def test_control_characters_in_a_title_do_not_break_the_feed(client):
    PostingFactory(title="Ops\x0bManager\x1f")

    assert [job.findtext("title") for job in jobs(client)] == ["OpsManager"]


def test_description_headings_are_h2_and_h3_and_lists_are_not_repeated(client):
    PostingFactory(
        description="# About us\n\nText.\n\n## What you will do\n\n- Run the sites\n",
        responsibilities="Run the sites\nSet the budget",
        qualifications="",
    )

    (job,) = jobs(client)
    description = job.findtext("description")

    assert "<h2>About us</h2>" in description
    assert "<h3>What you will do</h3>" in description
    assert description.count("Run the sites") == 1
    assert "<li>Set the budget</li>" in description


def test_the_description_uses_only_the_tags_indeed_reads(client):
    """Indeed's formatting guidelines list headings, paragraphs, breaks, bold, emphasis,
    bulleted lists and tables; the page's links, numbered lists, quotes and code are not."""
    PostingFactory(
        description="*Slanted* [our site](https://example.com/about)\n\n1. First\n2. Second"
        "\n\n> Quoted\n\n---\n\n    code()\n",
        responsibilities="",
        qualifications="",
    )

    (job,) = jobs(client)
    description = job.findtext("description")

    assert "<em>Slanted</em> our site" in description
    assert "<ul>\n<li>First</li>" in description
    assert "<p>Quoted</p>" in description
    assert "<p>code()" in description
    tags = set(re.findall(r"</?([a-z0-9]+)", description))
    assert tags <= {"p", "em", "strong", "ul", "li", "h2", "h3"}, tags


# --- The build ------------------------------------------------------------------------------


def test_a_build_runs_a_fixed_number_of_queries(django_assert_num_queries):
    """Guards the N+1 of each job fetching its organisation, role or rendering."""
    PostingFactory.create_batch(3)
    with django_assert_num_queries(3):  # roles, postings, the next scheduled publication
        aggregator.rebuild()
    PostingFactory.create_batch(12, role=RoleFactory())

    with django_assert_num_queries(3):
        manifest = aggregator.rebuild()

    assert manifest.jobs == 15


def test_a_build_reads_the_postings_a_chunk_at_a_time_in_order(client, monkeypatch):
    """Keyset pagination: each chunk starts after the last one's (moment, id), ties too."""
    monkeypatch.setattr(aggregator, "CHUNK_SIZE", 2)
    moment = timezone.now() - timedelta(hours=1)
    tied = [PostingFactory(title=f"Tied {n}", published_at=moment) for n in range(3)]
    PostingFactory(title="Newer", published_at=moment + timedelta(minutes=5))
    PostingFactory(title="Older", published_at=moment - timedelta(minutes=5))

    titles = [job.findtext("title") for job in jobs(client)]

    assert titles == ["Newer", *(p.title for p in reversed(tied)), "Older"]


def test_the_feed_keeps_each_description_it_makes(client, django_assert_num_queries):
    """A posting saved before the feed kept descriptions (or written around the model)
    has no kept copy: the build makes it, stores it, and the next build only reads it."""
    posting = PostingFactory(description="**Bold** move", qualifications="A bachelor's degree")
    RenderedDescription.objects.update(feed_html=None, feed_source=None)

    with django_assert_num_queries(4):  # roles, postings, the kept copies, scheduled
        aggregator.rebuild()
    with django_assert_num_queries(3):
        aggregator.rebuild()

    kept = RenderedDescription.objects.get(posting=posting).feed_html
    (job,) = jobs(client)
    assert job.findtext("description") == kept
    assert "<strong>Bold</strong> move" in kept
    assert "<li>A bachelor's degree</li>" in kept


def test_a_list_changed_around_save_shows_in_the_next_build(client):
    """The kept copy is checked against the texts it was made from, whatever wrote them."""
    posting = PostingFactory(responsibilities="Run the sites")
    jobs(client)

    Posting.objects.filter(pk=posting.pk).update(responsibilities="Close the books")
    (job,) = jobs(client)

    assert "<li>Close the books</li>" in job.findtext("description")
    assert "Run the sites" not in job.findtext("description")


def test_a_saved_posting_keeps_its_feed_copy_from_the_start(client):
    posting = PostingFactory(description="Hello", responsibilities="Run the sites")
    posting.responsibilities = "Close the books"
    posting.save(update_fields=["responsibilities"])

    kept = RenderedDescription.objects.get(posting=posting).feed_html
    assert "<li>Close the books</li>" in kept


def test_a_posting_written_without_a_rendering_is_still_described(client):
    posting = PostingFactory(description="Written *around* the model")
    RenderedDescription.objects.filter(posting=posting).delete()

    (job,) = jobs(client)

    assert "Written <em>around</em> the model" in job.findtext("description")


def test_a_cache_that_keeps_nothing_still_builds_and_always_checks(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    PostingFactory(title="Open Job")

    manifest = aggregator.rebuild()

    assert [job.findtext("title") for job in jobs(client)] == ["Open Job"]
    assert aggregator.is_out_of_date(manifest, timezone.now())


def test_the_same_postings_build_the_same_file_and_dates(client):
    PostingFactory.create_batch(3)
    first = aggregator.rebuild()

    again = aggregator.rebuild()

    assert (again.file, again.digest, again.last_modified) == (
        first.file,
        first.digest,
        first.last_modified,
    )


def test_a_change_builds_a_new_file_with_a_later_last_modified(client):
    posting = PostingFactory(title="Before")
    first = aggregator.rebuild()

    posting.title = "After"
    posting.save()
    second = aggregator.rebuild()

    assert second.digest != first.digest
    assert second.last_modified > first.last_modified
    # At most a second ahead, when two builds fall in one second: dates are whole seconds.
    assert second.last_modified <= timezone.now().timestamp() + 1
    files = sorted(path.name for path in aggregator.directory().glob("aggregator-feed-*"))
    assert files == sorted([first.file, second.file])  # The previous one, for readers on it.

    posting.close(by=None)
    third = aggregator.rebuild()

    assert third.jobs == 0
    assert not (aggregator.directory() / first.file).exists()


# --- Freshness: the periodic check ----------------------------------------------------------


def test_the_worker_checks_the_feed_every_five_minutes():
    moment = datetime(2030, 1, 1, 10, 0, tzinfo=UTC)

    due = [
        minute
        for minute in range(60)
        if tasks.check_aggregator_feed.task_class().validate_datetime(
            moment + timedelta(minutes=minute)
        )
    ]

    assert due == list(range(0, 60, 5))


def test_the_check_builds_only_when_something_changed(client):
    posting = PostingFactory(title="Before")
    tasks.check_aggregator_feed()
    built = aggregator.read_manifest()
    assert built is not None

    tasks.check_aggregator_feed()
    assert aggregator.read_manifest() == built

    posting.title = "After the edit"
    posting.save()
    assert aggregator.is_out_of_date(built, timezone.now())
    tasks.check_aggregator_feed()

    assert b"After the edit" in body(client.get(FEED, headers=IDENTITY))


def test_the_feed_is_out_of_date_once_a_listed_posting_expires_or_a_scheduled_one_opens():
    now = timezone.now()
    PostingFactory(valid_through=now + timedelta(hours=2))
    PostingFactory(valid_through=now + timedelta(days=9))
    manifest = aggregator.rebuild()
    assert not aggregator.is_out_of_date(manifest, now)
    assert aggregator.is_out_of_date(manifest, now + timedelta(hours=2, seconds=1))

    PostingFactory(published_at=now + timedelta(hours=1), valid_through=None)
    manifest = aggregator.rebuild()

    assert not aggregator.is_out_of_date(manifest, now + timedelta(minutes=59))
    assert aggregator.is_out_of_date(manifest, now + timedelta(hours=1, seconds=1))


# --- Serving --------------------------------------------------------------------------------


def test_a_request_costs_no_query_and_is_gzip_for_clients_that_take_it(
    client, django_assert_num_queries
):
    PostingFactory.create_batch(5)
    tasks.refresh_aggregator_feed()

    with django_assert_num_queries(0):
        packed = client.get(FEED, headers=GZIP)
        plain = client.get(FEED, headers=IDENTITY)

    assert packed["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert packed["Content-Type"] == plain["Content-Type"] == "application/xml; charset=utf-8"
    document = body(plain)
    assert body(packed) == document
    assert len(parse_xml(document).findall("job")) == 5
    assert "Accept-Encoding" in packed["Vary"]
    assert int(plain["Content-Length"]) == len(document)


def test_every_process_answers_the_same_etag_and_last_modified_for_the_same_feed(client):
    """The headers come from the manifest beside the file, not from the process."""
    PostingFactory.create_batch(2)
    tasks.refresh_aggregator_feed()
    first = client.get(FEED, headers=GZIP)

    aggregator.rebuild()  # Another worker's build of the same postings.
    second = client.get(FEED, headers=GZIP)

    assert first["ETag"] == second["ETag"]
    assert first["Last-Modified"] == second["Last-Modified"]
    assert first["ETag"] != client.get(FEED, headers=IDENTITY)["ETag"]


def test_a_reader_with_the_current_etag_or_date_gets_304_until_the_feed_changes(client):
    posting = PostingFactory(title="Before the edit")
    tasks.refresh_aggregator_feed()
    first = client.get(FEED, headers=GZIP)

    for validators in (
        {"if-none-match": first["ETag"]},
        {"if-modified-since": first["Last-Modified"]},
    ):
        not_modified = client.get(FEED, headers={**GZIP, **validators})
        assert not_modified.status_code == HTTPStatus.NOT_MODIFIED

    posting.title = "After the edit"
    posting.save()
    tasks.check_aggregator_feed()
    changed = client.get(FEED, headers={**GZIP, "if-none-match": first["ETag"]})

    assert changed.status_code == HTTPStatus.OK
    assert b"After the edit" in body(changed)


def test_the_feed_sends_the_public_pages_cache_headers(client, settings):
    PostingFactory()
    tasks.refresh_aggregator_feed()

    response = client.get(FEED)

    control = response["Cache-Control"]
    assert "public" in control
    assert f"max-age={settings.PUBLIC_PAGE_MAX_AGE}" in control
    assert "Content-Disposition" not in response


def test_head_answers_the_headers_alone(client):
    PostingFactory()
    tasks.refresh_aggregator_feed()

    response = client.head(FEED, headers=GZIP)

    assert response.status_code == HTTPStatus.OK
    assert response.content == b""
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == aggregator.read_manifest().gzip_size


def test_a_new_site_asks_the_worker_for_the_feed_and_serves_it_once_built(client):
    PostingFactory(title="First job")

    # Immediate mode: the task the request queues has run by the time it answers.
    response = client.get(FEED, headers=IDENTITY)

    assert response.status_code == HTTPStatus.OK
    assert b"First job" in body(response)


def test_without_a_worker_a_new_site_says_to_come_back(client, monkeypatch):
    monkeypatch.setattr(tasks, "build_feed", lambda: None)  # The worker has not run it yet.

    response = client.get(FEED)

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "60"


def test_the_feed_refuses_writes(client):
    assert client.post(FEED).status_code == HTTPStatus.METHOD_NOT_ALLOWED
