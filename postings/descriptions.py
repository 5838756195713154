"""A posting's whole description as feeds and JSON-LD give it, and the aggregator feed's
copy of it, which is made once per change and kept (`RenderedDescription.feed_html`)
rather than on every build of the feed.

The feed's copy is a function of three stored texts: the rendered description and the two
lists. `feed_source` is their digest; a kept copy whose digest is not that of the texts as
they are now (a write that went around the model, or one made before the copy existed) is
made again by the next build (postings/aggregator.py), so no write path has to be trusted.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence

import nh3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from jobsite.markup import feed_headings
from postings.feeds import xml_safe

# Part of every digest: bump it when the feed's copy is made differently, and every kept
# copy is made again at the next build.
FEED_COPY_VERSION = "1"

LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
TAG = re.compile(r"<[^>]*>")
# A tag as nh3 and format_html write it: attribute values are double-quoted, with any '"'
# in them escaped.
WRITTEN_TAG = re.compile(r'(</?[a-z][a-z0-9]*(?:\s+[a-z-]+="[^"]*")*\s*/?>)')
AMPERSAND = re.compile("&")
# The tags Indeed's formatting guidelines for job descriptions list (headings, paragraphs,
# line breaks, bold, emphasis, bulleted lists, simple tables): it may reject or misread
# others. Of the sanitiser's (jobsite/markup.py), these are renamed to their nearest; the
# rest (links, code, quotations, rules) leave their text alone.
INDEED_TAGS = {
    "p", "br", "b", "strong", "em", "ul", "li", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
RENAMED_TAGS = {"i": "em", "ol": "ul", "pre": "p"}
RENAMED_TAG = re.compile(r"<(/?)(i|ol|pre)>")
TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def whole_description(
    rendered: str, responsibilities: Sequence[str], qualifications: Sequence[str]
) -> SafeString:
    """The sanitised description, its headings one level up (no page heading stands above
    them), then the responsibilities and qualifications it does not list already: Google
    asks for the whole description, and allows HTML in it. The lists as the page shows
    them: cut at their limits."""
    description = feed_headings(rendered)
    # The sanitiser's HTML: its tags hold no ">", so dropping them leaves the item's text.
    listed = {words(TAG.sub("", item)) for item in LIST_ITEM.findall(description)}
    parts = [description]
    for heading, all_items in (
        ("Responsibilities", responsibilities),
        ("Qualifications", qualifications),
    ):
        items = [item for item in all_items if words(item) not in listed]
        if items:
            parts.append(
                format_html(
                    "<h3>{}</h3><ul>{}</ul>",
                    heading,
                    format_html_join("", "<li>{}</li>", ((item,) for item in items)),
                )
            )
    return mark_safe("\n".join(parts))  # noqa: S308 - sanitised, and escaped by format_html


def words(text: str) -> str:
    """A list item's words, to tell whether two say the same: case, spacing and final
    punctuation aside."""
    return " ".join(html.unescape(text).casefold().split()).rstrip(".;:!")


# --- The feed's copy: characters, not entities ----------------------------------------------


def plain_ampersands(text: str) -> str:
    """`text` (characters, no entities) as HTML in which an "&" stays a plain "&" wherever
    an HTML reader would take it as one: only an "&" that starts a character reference
    ("&amp;", "&#38;", "&copy") is written as "&amp;"."""

    def written(match: re.Match[str]) -> str:
        window = text[match.start() : match.start() + 40]
        return "&" if html.unescape(window).startswith(window[:2]) else "&amp;"

    return AMPERSAND.sub(written, text) if "&" in text else text


def html_with_characters(markup: str) -> str:
    """Sanitised HTML (nh3's, format_html's) with its text's entities turned into the
    characters they stand for: "bachelor's", "R&D", "5 < 6". Only what would otherwise be
    read as markup keeps an entity: a "<" that would open a tag, an "&" that would start a
    reference. Tags are kept as they are."""
    if "&" not in markup:  # No entity: nothing to change (a "<" in text is one).
        return markup
    parts = WRITTEN_TAG.split(markup)
    for index in range(0, len(parts), 2):  # The text between the tags.
        if "&" not in parts[index]:
            continue
        text = html.unescape(parts[index])
        parts[index] = TAG_START.sub("&lt;", plain_ampersands(text))
    return "".join(parts)


def indeed_html(markup: str) -> str:
    """Sanitised HTML in the tags Indeed's job description formatting guidelines list
    (INDEED_TAGS): the others become the nearest of those, or their bare text."""
    renamed = RENAMED_TAG.sub(lambda tag: f"<{tag[1]}{RENAMED_TAGS[tag[2]]}>", markup)
    return nh3.clean(renamed, tags=INDEED_TAGS, attributes={})


def feed_copy(rendered: str, responsibilities: Sequence[str], qualifications: Sequence[str]) -> str:
    """The whole description as the aggregator feed holds it: HTML in the tags Indeed reads,
    with characters rather than entities (Indeed reads no entities), and nothing XML
    forbids. Still to be put in a CDATA section, which splits any "]]>"."""
    whole = whole_description(rendered, responsibilities, qualifications)
    return xml_safe(html_with_characters(indeed_html(whole)))


def feed_source(rendered: str, responsibilities: str, qualifications: str) -> str:
    """The digest of the stored texts a feed copy is made from (the lists as stored)."""
    return digest_of(FEED_COPY_VERSION, rendered, responsibilities, qualifications)


def digest_of(*texts: str) -> str:
    """What a stored copy was made from, in 32 characters: a digest of `texts` in order."""
    digest = hashlib.blake2b(digest_size=16)
    for text in texts:
        data = text.encode()
        digest.update(b"%d:" % len(data))  # Its length first: no two sets of texts alike.
        digest.update(data)
    return digest.hexdigest()
