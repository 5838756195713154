"""No posting can make the site slow: every text a recruiter writes has a limit the form
states, and text stored over a limit is shown, searched and syndicated only up to it."""

import json
import re
from http import HTTPStatus

import markdown
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from postings import search
from postings.models import LIST_ITEM_LENGTH, LIST_ITEMS, POSTING_TEXT_LIMITS, Posting
from tests.factories import PostingFactory, RoleFactory, StaffFactory
from tests.helpers import JSON_LD, admin_form_data, manage_url, posting_data

pytestmark = pytest.mark.django_db

DESCRIPTION_LIMIT = POSTING_TEXT_LIMITS["description"].length
LIST_LIMIT = POSTING_TEXT_LIMITS["responsibilities"].length
PARAGRAPH = "We run **operations** across many sites, and you will lead the team. " * 10 + "\n\n"


def long_text(length: int, *, then: str = "") -> str:
    """Markdown paragraphs of `length` characters, then the words `then`."""
    return (PARAGRAPH * (length // len(PARAGRAPH) + 1))[:length] + then


def varied_text(length: int) -> str:
    """`length` characters of words that are all different, as a real text's mostly are: a
    search document holds each word once, so repeated words would keep it small."""
    words = (f"w{n:x}" for n in range(length))
    return (" ".join(words))[:length]


@pytest.fixture
def role():
    return RoleFactory(title="Director of Operations", slug="director-of-operations")


@pytest.fixture
def markdown_inputs(monkeypatch):
    """The length of every text that Markdown is run over."""
    lengths: list[int] = []
    convert = markdown.markdown

    def recording(text: str, **kwargs):
        lengths.append(len(text))
        return convert(text, **kwargs)

    monkeypatch.setattr(markdown, "markdown", recording)
    return lengths


# --- The forms state and enforce the limits ----------------------------------------------


def test_the_posting_form_states_each_limit_and_holds_the_box_to_it(recruiter_client, role):
    page = recruiter_client.get(reverse("recruiters:posting_create"), {"role": role.slug})
    html = page.content.decode()

    description = re.search(r"<textarea[^>]*name=\"description\"[^>]*>", html).group()
    assert 'maxlength="20000"' in description
    assert "At most 20,000 characters." in html
    assert re.search(r'<input[^>]*name="title"[^>]*maxlength="150"', html)
    assert "At most 150 characters." in html
    assert f"At most {LIST_ITEMS} lines of {LIST_ITEM_LENGTH} characters each." in html


def test_a_description_over_the_limit_is_refused_saying_how_much_to_cut(recruiter_client, role):
    response = recruiter_client.post(
        reverse("recruiters:posting_create"), posting_data(role, description="a" * 23_456)
    )

    assert response.status_code == HTTPStatus.OK
    assert (
        "The description is 23,456 characters; the limit is 20,000. Shorten it by 3,456."
        in response.content.decode()
    )
    assert not Posting.objects.exists()


def test_a_title_over_its_limit_is_refused_in_the_same_words(recruiter_client, role):
    response = recruiter_client.post(
        reverse("recruiters:posting_create"), posting_data(role, title="T" * 151)
    )

    assert "The title is 151 characters; the limit is 150. Shorten it by 1." in (
        response.content.decode()
    )
    assert not Posting.objects.exists()


def test_a_description_at_the_limit_is_saved_with_line_breaks_counted_once(recruiter_client, role):
    """Browsers send each line break as CR LF but count it as one character for maxlength."""
    description = ("x" * 99 + "\r\n") * (DESCRIPTION_LIMIT // 100 - 1) + "x" * 100

    response = recruiter_client.post(
        reverse("recruiters:posting_create"), posting_data(role, description=description)
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Posting.objects.get().description == description.replace("\r\n", "\n")


def test_a_responsibility_longer_than_an_item_may_be_is_refused_naming_its_line(
    recruiter_client, role
):
    responsibilities = "Run the daily operations.\n\nLead the weekly review " + "x" * 600

    response = recruiter_client.post(
        reverse("recruiters:posting_create"),
        posting_data(role, responsibilities=responsibilities),
    )

    assert (
        f"Line 3 (“Lead the weekly review {'x' * 17}…”) is 623 characters; the "
        "limit is 500. Shorten it by 123."
    ) in response.content.decode()
    assert not Posting.objects.exists()


def test_more_qualifications_than_a_list_may_hold_are_refused(recruiter_client, role):
    qualifications = "\n".join(f"Qualification {n}" for n in range(LIST_ITEMS + 5))

    response = recruiter_client.post(
        reverse("recruiters:posting_create"), posting_data(role, qualifications=qualifications)
    )

    assert "There are 35 lines; the limit is 30. Merge or remove 5." in response.content.decode()
    assert not Posting.objects.exists()


def test_the_admin_form_states_and_enforces_the_same_limits(client):
    client.force_login(StaffFactory())
    posting = PostingFactory()
    url = reverse("admin:postings_posting_change", args=[posting.pk])
    page = client.get(url)
    data = admin_form_data(page)
    data.pop("valid_through", None)
    data["valid_through_0"] = posting.valid_through.date().isoformat()
    data["valid_through_1"] = posting.valid_through.time().isoformat(timespec="seconds")
    data["description"] = "a" * (DESCRIPTION_LIMIT + 1)

    response = client.post(url, data)

    assert 'maxlength="20000"' in page.content.decode()
    assert "The description is 20,001 characters; the limit is 20,000. Shorten it by 1." in (
        response.content.decode()
    )
    posting.refresh_from_db()
    assert len(posting.description) < DESCRIPTION_LIMIT


# --- Stored text over a limit ------------------------------------------------------------


def test_a_huge_description_saved_directly_is_stored_and_its_page_answers(client):
    """On PostgreSQL the search document of 1.2 MB of text broke its 1 MB limit: the save
    failed and the site answered 503 "Back in a moment"."""
    posting = PostingFactory(description=f"Operations. {varied_text(1_200_000)}")

    response = client.get(posting.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert list(search.matching(Posting.objects.all(), "operations")) == [posting]


def test_the_search_document_reads_no_further_than_the_limits():
    PostingFactory(
        description=long_text(DESCRIPTION_LIMIT - 10, then=" Earlyword Lateword"),
        responsibilities=long_text(LIST_LIMIT - 9, then=" Soonword Pastword"),
    )
    postings = Posting.objects.all()

    assert search.matching(postings, "earlyword").exists()
    assert search.matching(postings, "soonword").exists()
    assert not search.matching(postings, "lateword").exists()
    assert not search.matching(postings, "pastword").exists()


def test_a_huge_description_is_shown_cut_at_the_limit_small_and_without_reading_it_all(
    client, markdown_inputs
):
    posting = PostingFactory(description=long_text(1_600_000, then=" Lastword"))

    response = client.get(posting.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    assert len(response.content) < 200_000
    assert "Lastword" not in html
    assert max(markdown_inputs) <= DESCRIPTION_LIMIT
    (data,) = (json.loads(block) for block in JSON_LD.findall(html))
    assert DESCRIPTION_LIMIT < len(data["description"]) < 2 * DESCRIPTION_LIMIT


def test_lists_over_their_limits_show_only_what_the_limits_allow(client):
    lines = ["Lead " + "x" * 700, *(f"Duty number {n}" for n in range(2, 41))]
    posting = PostingFactory(responsibilities="\n".join(lines))

    html = client.get(posting.get_absolute_url()).content.decode()
    section = html.split('id="responsibilities"')[1].split("</ul>")[0]

    assert section.count("<li>") == LIST_ITEMS
    assert f"<li>Lead {'x' * (LIST_ITEM_LENGTH - 5)}</li>" in section
    assert "Duty number 30<" in section
    assert "Duty number 31<" not in section


def test_five_huge_postings_keep_every_feed_small(client, markdown_inputs):
    for _ in range(5):
        PostingFactory(description=long_text(1_600_000, then=" Lastword"))

    rss = client.get(reverse("postings:posting_feed_rss"))
    atom = client.get(reverse("postings:posting_feed_atom"))
    aggregator = client.get(reverse("postings:posting_feed_xml"), headers={"accept-encoding": ""})
    aggregator_body = b"".join(aggregator.streaming_content)

    assert rss.status_code == atom.status_code == aggregator.status_code == HTTPStatus.OK
    assert len(rss.content) < 50_000
    assert len(atom.content) < 50_000
    assert len(aggregator_body) < 5 * 2 * DESCRIPTION_LIMIT
    assert b"Lastword" not in aggregator_body
    assert max(markdown_inputs) <= DESCRIPTION_LIMIT


def test_search_excerpts_come_from_the_text_the_page_shows(client):
    PostingFactory(description=long_text(DESCRIPTION_LIMIT - 10, then=" Earlyword Lateword"))

    html = client.get(reverse("postings:posting_list"), {"q": "earlyword or lateword"})
    html = html.content.decode()

    assert "<mark>Earlyword</mark>" in html
    assert "Lateword" not in html


def test_recruiters_are_told_what_the_public_does_not_see(recruiter_client, membership):
    posting = PostingFactory(
        organisation=membership.organisation,
        description=long_text(DESCRIPTION_LIMIT + 1),
        qualifications="\n".join(f"Qualification {n}" for n in range(LIST_ITEMS + 2)),
    )
    PostingFactory(organisation=membership.organisation, title="Within every limit")
    notice = (
        "The description is longer than 20,000 characters: the public sees only the first "
        "20,000. Shorten it."
    )

    dashboard = recruiter_client.get(reverse("recruiters:dashboard")).content.decode()
    manage = recruiter_client.get(manage_url(posting)).content.decode()

    assert dashboard.count(notice) == 1
    assert notice in manage
    assert "The qualifications have 32 lines: the public sees only the first 30." in manage


# --- Rows stored before the limits ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_bounds_the_search_documents_already_stored():
    """A row stored before the bounded triggers has the unbounded document; the migration
    makes it again. Rows are made with the models as they were before it, whatever
    migrations come later."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    (bounded,) = (
        key
        for key in graph.nodes
        if key[0] == "postings" and key[1].endswith("_bounded_search_document")
    )
    before = [
        parent.key for parent in graph.node_map[bounded].parents if parent.key[0] == "postings"
    ]
    role = RoleFactory()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    organisation = old.get_model("postings", "Organisation").objects.create(name="Old", slug="old")
    old.get_model("postings", "Posting").objects.create(
        organisation=organisation,
        role_id=role.pk,
        title="Operations lead",
        slug="operations-lead",
        description=long_text(DESCRIPTION_LIMIT + 100, then=" Lateword"),
        apply_url="https://example.com/apply",
    )
    found_before = search.matching(Posting.objects.all(), "lateword").exists()

    executor.loader.build_graph()
    executor.migrate([bounded])

    assert found_before
    assert not search.matching(Posting.objects.all(), "lateword").exists()
    assert search.matching(Posting.objects.all(), "operations").exists()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
