"""Turning stored text into safe HTML: Markdown through a sanitiser, and JSON-LD blocks.

Nothing here is remembered: a posting's description, a role's overview and an FAQ's answer
are rendered when they are written (`postings.RenderedDescription`, `Role.overview_html`,
`FAQ.answer_html`); only a brief answer's plain text, for the explainer's JSON-LD, is made
on each request (about 0.25 ms).
"""

import html
import json
import re
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

# Headings keep their order below the page's own: on a page, Markdown's `#` is an h3 and `##`
# an h4, under the page's h1 and the section's h2; in a feed item or JSON-LD, where the
# text stands alone under the job's title, one level higher (`feed_headings`).
PAGE_HEADING_LEVEL = 3
MARKDOWN_EXTENSIONS = ["sane_lists", "toc"]
# toc's baselevel shifts the levels; its marker ("[TOC]") stays text. The ids it adds go with
# the sanitiser, which allows no attribute on a heading.
MARKDOWN_CONFIG = {"toc": {"baselevel": PAGE_HEADING_LEVEL, "marker": ""}}
HEADING_TAG = re.compile(r"<(/?)h([3-6])>")

# Characters that could close the <script> element or open a comment inside it, as JSON
# escapes. Replaced one by one: str.translate maps every character through Python, 0.5 ms
# for a posting's 10 KB against 30 µs.
JSON_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


def render_markdown(text: str | None) -> SafeString:
    """Markdown to HTML that is safe to show whatever the author wrote."""
    rendered = markdown.markdown(
        text or "",
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs=MARKDOWN_CONFIG,
        output_format="html",
    )
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it


def feed_headings(markup: str) -> str:
    """render_markdown's HTML with its headings one level up (an h3 becomes an h2), for
    feeds and JSON-LD, where no page heading stands above them. The sanitiser leaves no
    attribute on a heading, and text holds no "<", so the tags are matched as written."""
    return HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{int(tag[2]) - 1}>", markup)


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
    for character, escape in JSON_SCRIPT_ESCAPES:
        payload = payload.replace(character, escape)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload),  # noqa: S308 - escaped above
    )
