"""Stored text made safe to show: Markdown through the sanitiser, and a posting's description
rendered once, when it is written."""

import re
from http import HTTPStatus

import pytest

from jobsite import markup
from postings.models import Posting, RenderedDescription
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_sanitised_and_the_same_every_time():
    text = "We **lead**.\n\n<script>alert(1)</script> [site](javascript:alert(1))"

    first = markup.render_markdown(text)
    again = markup.render_markdown(text)

    assert "<strong>lead</strong>" in first
    assert "<script>" not in first
    assert "javascript:" not in first
    assert again == first


def test_the_text_of_rendered_markdown_is_its_plain_text():
    text = "An edit *after*, with [a link](https://example.com) & more."

    assert markup.text_of(markup.render_markdown(text)) == markup.plain_text(text)


def test_a_saved_description_is_stored_rendered():
    posting = PostingFactory(description="We **lead**.\n\n<script>alert(1)</script>")

    stored = Posting.objects.get(pk=posting.pk)

    assert "<strong>lead</strong>" in stored.rendered.html
    assert "<script>" not in stored.rendered.html
    assert stored.rendered.text == "We lead."


def test_an_edited_description_shows_on_the_posting_page(client):
    posting = PostingFactory(description="Before the *edit*.")
    posting.description = "After the *edit*."
    posting.save(update_fields=["description"])

    page = client.get(posting.get_absolute_url()).content.decode()

    assert "After the <em>edit</em>." in page
    assert "Before the" not in page


def test_descriptions_written_in_bulk_are_rendered(client):
    posting = PostingFactory(description="First.")
    Posting.objects.filter(pk=posting.pk).update(description="Updated in *bulk*.")
    built = PostingFactory.build(
        role=posting.role, organisation=posting.organisation, description="Created in *bulk*."
    )
    (created,) = Posting.objects.bulk_create([built])

    for row in (posting, created):
        page = client.get(Posting.objects.get(pk=row.pk).get_absolute_url())
        assert page.status_code == HTTPStatus.OK
    assert "Updated in <em>bulk</em>." in Posting.objects.get(pk=posting.pk).rendered.html
    assert "Created in <em>bulk</em>." in Posting.objects.get(pk=created.pk).rendered.html


def test_postings_created_in_bulk_past_conflicts_are_rendered_as_stored():
    """seed_demo writes with ignore_conflicts, which returns no ids: the renderings are
    found by slug, and a row that was there already keeps its own."""
    there = PostingFactory(description="Written *first*.")
    again = PostingFactory.build(
        role=there.role, organisation=there.organisation, slug=there.slug, description="Other."
    )
    new = PostingFactory.build(
        role=there.role, organisation=there.organisation, description="Written *later*."
    )

    Posting.objects.bulk_create([again, new], ignore_conflicts=True)

    assert "<em>first</em>" in Posting.objects.get(slug=there.slug).rendered.html
    assert "<em>later</em>" in Posting.objects.get(slug=new.slug).rendered.html


def test_a_row_written_in_sql_is_rendered_when_shown():
    posting = PostingFactory(description="Written *around* the model.")
    RenderedDescription.objects.filter(posting=posting).delete()

    stored = Posting.objects.get(pk=posting.pk)

    assert "<em>around</em>" in stored.shown_description_html
    assert stored.shown_description_text == "Written around the model."


def test_a_pending_change_is_rendered_for_the_preview_and_the_public_keeps_the_approved():
    posting = PostingFactory(description="The *approved* text.")
    posting.pending_changes = {"description": "The *proposed* text."}

    assert "<em>proposed</em>" in posting.proposed().shown_description_html
    assert "<em>approved</em>" in posting.shown_description_html


def test_a_description_rewritten_on_conflict_or_from_an_expression_is_never_shown_stale():
    from django.db.models import Value
    from django.db.models.functions import Concat

    posting = PostingFactory(description="The *old* text.")
    again = PostingFactory.build(
        role=posting.role,
        organisation=posting.organisation,
        slug=posting.slug,
        description="The *new* text.",
    )
    Posting.objects.bulk_create(
        [again], update_conflicts=True, unique_fields=["slug"], update_fields=["description"]
    )
    assert "<em>new</em>" in Posting.objects.get(pk=posting.pk).shown_description_html

    Posting.objects.filter(pk=posting.pk).update(
        description=Concat(Value("Prefixed. "), "description")
    )
    assert "Prefixed. The <em>new</em>" in Posting.objects.get(pk=posting.pk).shown_description_html

    stored = Posting.objects.get(pk=posting.pk)
    stored.description = "Bulk *updated*."
    Posting.objects.bulk_update([stored], ["description"])
    assert "<em>updated</em>" in Posting.objects.get(pk=posting.pk).shown_description_html


def test_markdown_headings_are_h3_and_h4_on_the_page_under_its_own():
    html = markup.render_markdown("# About the role\n\n## What you will do\n\n### Detail\n\nText.")

    assert "<h3>About the role</h3>" in html
    assert "<h4>What you will do</h4>" in html
    assert "<h5>Detail</h5>" in html
    assert "<h1" not in html
    assert "<h2" not in html


def test_headings_are_one_level_up_in_feeds():
    html = markup.feed_headings(markup.render_markdown("# About\n\n## Work\n\nUnder `<h3>`."))

    assert "<h2>About</h2>" in html
    assert "<h3>Work</h3>" in html
    assert "Under <code>&lt;h3&gt;</code>." in html


@pytest.mark.parametrize(
    "text",
    [
        "# <script>alert(1)</script>Title",
        "## [Title](javascript:alert(1))",
        '<h1 onclick="alert(1)">Title</h1>',
        '<h3 style="color:red" id="x">Title</h3>',
        "# Title <img src=x onerror=alert(1)>",
        "Title\n=====\n\n<iframe src=https://evil.example></iframe>",
        "# Title {: onclick=alert(1) }",
    ],
)
def test_headings_carry_nothing_dangerous(text):
    html = markup.render_markdown(text)

    assert "Title" in html
    assert "<script" not in html
    assert "<iframe" not in html
    assert "javascript:" not in html
    for tag in re.findall(r"<[^>]+>", html):  # No attribute but a link's rel.
        assert re.fullmatch(r"</?h[3-6]>|</?p>|<a rel=\"nofollow noopener ugc\">|</a>", tag), tag
