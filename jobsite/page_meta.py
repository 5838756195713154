"""What a page says of itself in its head: its title and description as search results and
link previews show them, and the image a preview shows.

Titles and descriptions are counted as a reader sees them: base.html captures each block's
rendered text once as plain text (`plain`: entities unescaped, whitespace collapsed) and
hands that to the functions here, which never unescape again (a title that reads "&amp;"
stays so). A title may end with the site's name (" · Rolewise"); where that would make it
longer than TITLE_LENGTH, the name is dropped, since search results cut long titles and the
page's own words matter more. A description longer than DESCRIPTION_LENGTH is cut after a
whole word.
"""

from __future__ import annotations

import html

from django.conf import settings
from django.templatetags.static import static

from jobsite.origin import absolute_url

TITLE_LENGTH = 60
DESCRIPTION_LENGTH = 160
# The image link previews show when a page names none of its own: drawn by
# scripts/draw-site-images, at the size Open Graph and Twitter's large card ask for.
SITE_IMAGE = "img/site-preview.png"
SITE_IMAGE_SIZE = (1200, 630)
SITE_IMAGE_ALT = "Rolewise: roles explained, jobs to match"
# The site's logo, square, for its Organization in structured data (Google asks for at
# least 112 pixels a side).
SITE_LOGO = "img/logo.png"


def plain(rendered: str) -> str:
    """Rendered template text as a reader sees it: entities unescaped, on one line."""
    return one_line(html.unescape(str(rendered)))


def title_suffix() -> str:
    return f" · {settings.SITE_NAME}"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def fit_title(text: str) -> str:
    """The page's title, without the site's name where the name would make it too long."""
    title = one_line(text)
    suffix = title_suffix()
    if len(title) > TITLE_LENGTH and title.endswith(suffix):
        return title.removesuffix(suffix)
    return title


def bare_title(text: str) -> str:
    """The title without the site's name, for a link preview (which names the site apart)."""
    return one_line(text).removesuffix(title_suffix())


def first_fitting(*candidates: str, limit: int = TITLE_LENGTH) -> str:
    """The first of `candidates` (longest, most telling first) that fits in `limit`
    characters; the last one cut after a whole word if none does."""
    for candidate in candidates:
        if len(candidate) <= limit:
            return candidate
    return cut_on_word(candidates[-1], limit)


def cut_on_word(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text` on one line, at most `limit` characters, cut after a whole word with "…"."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–—-") + "…"


def description(text: str) -> str:
    """A meta description, cut to DESCRIPTION_LENGTH."""
    return cut_on_word(text)


def static_url(path: str) -> str:
    """A static file's absolute address: on the public origin unless static files are
    served from an origin of their own."""
    url = static(path)
    return url if url.startswith(("https://", "http://")) else absolute_url(url)


def site_image() -> dict[str, str | int]:
    """The default image of link previews: its address, size and text alternative."""
    width, height = SITE_IMAGE_SIZE
    return {"url": static_url(SITE_IMAGE), "width": width, "height": height, "alt": SITE_IMAGE_ALT}


def site_logo_url() -> str:
    return static_url(SITE_LOGO)
