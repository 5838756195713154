"""Turning stored text into safe HTML: Markdown through a sanitiser, and JSON-LD blocks."""

import html
import json
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

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
# entries and in the length of the texts kept, so a worker's memory stays small. A
# posting's description is shown cut at its limit (postings.models.POSTING_TEXT_LIMITS),
# which is this length: every description a page shows can be kept.
MEMO_ENTRIES = 512
MEMO_TEXT_LENGTH = 20_000

T = TypeVar("T")

# Characters that could close the <script> element or open a comment inside it.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def memoised(render: Callable[[str], T]) -> Callable[[str | None], T]:
    """`render`, remembered per process for texts up to MEMO_TEXT_LENGTH characters (the
    last MEMO_ENTRIES of them); a missing text renders as "". `cache_info()` tells what is
    kept, `cache_clear()` forgets it."""
    remembered = lru_cache(maxsize=MEMO_ENTRIES)(render)

    @wraps(render)
    def render_text(text: str | None) -> T:
        text = text or ""
        return render(text) if len(text) > MEMO_TEXT_LENGTH else remembered(text)

    render_text.cache_info = remembered.cache_info  # type: ignore[attr-defined]
    render_text.cache_clear = remembered.cache_clear  # type: ignore[attr-defined]
    return render_text


@memoised
def render_markdown(text: str) -> SafeString:
    """Markdown to HTML that is safe to show whatever the author wrote."""
    rendered = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it


@memoised
def plain_text(text: str) -> str:
    """Markdown to text with every tag stripped, for feeds' summaries and JSON-LD."""
    rendered = markdown.markdown(text, output_format="html")
    return html.unescape(nh3.clean(rendered, tags=set())).strip()


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
