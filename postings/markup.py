"""Turning stored text into safe HTML: Markdown through a sanitiser, and JSON-LD blocks."""

import html
import json
from functools import lru_cache
from typing import Any

import markdown
import nh3
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# What a job description may contain once rendered: structure and emphasis, links, no
# images, scripts, styles or attributes beyond a link's address.
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Rendering is a pure function of the text, so its result is memoised per process keyed by
# the text itself: edited text is a new key, so nothing shown can be stale. Bounded in
# entries and in the length of the texts kept, so a worker's memory stays small.
MEMO_ENTRIES = 512
MEMO_TEXT_LENGTH = 20_000

# Characters that could close the <script> element or open a comment inside it.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to show whatever the author wrote."""
    text = text or ""
    if len(text) > MEMO_TEXT_LENGTH:
        return _render_markdown(text)
    return _memoised_render_markdown(text)


def plain_text(text: str) -> str:
    """Markdown to text with every tag stripped, for feeds' summaries and JSON-LD."""
    text = text or ""
    if len(text) > MEMO_TEXT_LENGTH:
        return _plain_text(text)
    return _memoised_plain_text(text)


def _render_markdown(text: str) -> SafeString:
    rendered = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it


def _plain_text(text: str) -> str:
    rendered = markdown.markdown(text, output_format="html")
    return html.unescape(nh3.clean(rendered, tags=set())).strip()


_memoised_render_markdown = lru_cache(maxsize=MEMO_ENTRIES)(_render_markdown)
_memoised_plain_text = lru_cache(maxsize=MEMO_ENTRIES)(_plain_text)


def web_address(url: str) -> str:
    """`url` if it is a web address, else "": stored data may predate the validators, and
    a `javascript:` or `data:` address must never become a link."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


def json_ld(data: dict[str, Any]) -> SafeString:
    """A `<script type="application/ld+json">` block that no value can break out of."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )
