"""Stored text made safe to show: Markdown through the sanitiser, memoised by the text."""

import pytest

from jobsite import markup
from tests.factories import PostingFactory


def test_markdown_is_rendered_sanitised_and_the_same_every_time():
    text = "We **lead**.\n\n<script>alert(1)</script> [site](javascript:alert(1))"

    first = markup.render_markdown(text)
    again = markup.render_markdown(text)

    assert "<strong>lead</strong>" in first
    assert "<script>" not in first
    assert "javascript:" not in first
    assert again == first


def test_edited_text_is_rendered_afresh():
    """The memo's key is the text itself: a changed text can never get the old HTML."""
    assert "<em>before</em>" in markup.render_markdown("An edit *before*.")

    assert "<em>after</em>" in markup.render_markdown("An edit *after*.")
    assert markup.plain_text("An edit *after*.") == "An edit after."


def test_very_long_text_is_rendered_but_not_kept():
    long_text = "word " * markup.MEMO_TEXT_LENGTH
    kept_before = markup.render_markdown.cache_info().currsize

    rendered = markup.render_markdown(long_text)

    assert rendered.startswith("<p>word word")
    assert markup.render_markdown.cache_info().currsize == kept_before


def test_the_memo_is_bounded():
    for n in range(markup.MEMO_ENTRIES + 10):
        markup.plain_text(f"Text number {n}.")

    assert markup.plain_text.cache_info().currsize == markup.MEMO_ENTRIES


@pytest.mark.django_db
def test_every_description_a_page_shows_is_kept():
    """Stored descriptions are shown cut at their limit, which the memo's length allows."""
    posting = PostingFactory(description="word " * markup.MEMO_TEXT_LENGTH)
    markup.render_markdown.cache_clear()

    markup.render_markdown(posting.shown_description)

    assert markup.render_markdown.cache_info().currsize == 1
