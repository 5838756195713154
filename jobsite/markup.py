"""Turning stored text into safe HTML: Markdown through a sanitiser, and JSON-LD blocks.

Nothing here is remembered: a posting's description, a role's overview and an FAQ's answer
are rendered when they are written (`postings.RenderedDescription`, `Role.overview_html`,
`FAQ.answer_html`); only a brief answer's plain text, for the explainer's JSON-LD, is made
on each request (about 0.25 ms).
"""

import html
import json
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

# Characters that could close the <script> element or open a comment inside it.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def render_markdown(text: str | None) -> SafeString:
    """Markdown to HTML that is safe to show whatever the author wrote."""
    rendered = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it


def plain_text(text: str | None) -> str:
    """Markdown to text with every tag stripped, for feeds' summaries and JSON-LD."""
    return text_of(markdown.markdown(text or "", output_format="html"))


def text_of(markup: str) -> str:
    """HTML to its text, every tag stripped: of render_markdown's HTML, the plain_text of its
    Markdown, without parsing the Markdown again."""
    return html.unescape(nh3.clean(markup, tags=set())).strip()


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
