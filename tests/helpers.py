"""What the tests share: reading pages as a visitor sees them, and the forms they post.

The one module tests import helpers from; rows come from tests/factories.py. A test module
imports no other test module (tests/test_suite_layout.py holds them to it)."""

from __future__ import annotations

import gzip
import json
import re
import socket
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.test import Client
    from playwright.sync_api import Browser, Page

    from postings.models import Posting
    from roles.models import Role

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Pages -------------------------------------------------------------------------------

JOBS = reverse("postings:posting_list")


class ResultTitles:
    """Finds the result titles of a page, as their HTML reads without the <mark>s a search
    puts around the words it matched: `RESULT_TITLE.findall(html)`."""

    pattern = re.compile(r'<h3 class="result__title"><a href="[^"]*">((?:[^<]|</?mark>)*)</a>')
    mark = re.compile(r"</?mark>")

    def findall(self, html: str) -> list[str]:
        return [self.mark.sub("", title) for title in self.pattern.findall(html)]


RESULT_TITLE = ResultTitles()
SEARCH_NOTE = re.compile(r'<p class="search-note">(.*?)</p>', re.DOTALL)
# What /jobs/ may run, whatever the data's size. Reading the keywords: shorthand, the
# vocabulary and, for a misspelling, whether the words as typed find anything (3);
# understanding them: their words' kinds, and each of two readings of an ambiguous place (3);
# the role they name (1); the search: sizing, counts, role names, results, excerpts (5).
SEARCH_PAGE_QUERIES = 12
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def get_page(client: Client, url: str, params: dict[str, Any] | None = None) -> str:
    """The page's HTML, checking it answered 200."""
    response = client.get(url, params)
    assert response.status_code == HTTPStatus.OK, response.status_code
    return response.content.decode()


def titles(client: Client, query: str = "", **params: Any) -> list[str]:
    """The result titles /jobs/ lists for the query string `query` and `params`, in order."""
    return RESULT_TITLE.findall(get_page(client, f"{JOBS}?{query}" if query else JOBS, params))


def title_set(client: Client, query: str = "", **params: Any) -> set[str]:
    """The result titles /jobs/ lists, where their order is not what a test is about."""
    return set(titles(client, query, **params))


def search_note(html: str) -> str:
    """The line under the search page's heading that says how the keywords were read
    ("Showing results for …", "Did you mean …?"), as text; "" when there is none."""
    found = SEARCH_NOTE.search(html)
    return re.sub(r"<[^>]+>", "", found[1]) if found else ""


def json_ld_of_type(html: str, kind: str) -> dict[str, Any]:
    """The page's one JSON-LD block of `@type` `kind`."""
    blocks = [json.loads(block) for block in JSON_LD.findall(html)]
    found = [block for block in blocks if block.get("@type") == kind]
    assert len(found) == 1, blocks
    return found[0]


def job_posting_data(html: str) -> dict[str, Any]:
    return json_ld_of_type(html, "JobPosting")


def occupation_data(html: str) -> dict[str, Any]:
    return json_ld_of_type(html, "Occupation")


# --- Forms -------------------------------------------------------------------------------

NEW_PASSWORD = "a much better passphrase 42"


def signup_data(**overrides: str) -> dict[str, str]:
    """A valid recruiter sign-up, with `overrides` typed in."""
    return {
        "intent": "recruiter",
        "name": "Grace Hopper",
        "email": "Grace@Example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "organisation_name": "Compiler Logistics",
        "website": "https://compiler.example",
        **overrides,
    }


def posting_data(for_role: Role, **overrides: Any) -> dict[str, Any]:
    """A valid posting form for a posting of `for_role`, with `overrides` typed in."""
    return {
        "role": for_role.pk,
        "title": "Director of Operations",
        "description": "Lead our operations team. " * 20,
        "responsibilities": "Run the daily operations of several sites.",
        "qualifications": "Eight years in operations.",
        "employment_type": "full_time",
        "workplace": "on_site",
        "city": "Leeds",
        "region": "",
        "postal_code": "",
        "country": "GB",
        "remote_countries": "",
        "salary_min": "70000",
        "salary_max": "90000",
        "salary_currency": "GBP",
        "salary_period": "year",
        "apply_url": "https://example.com/jobs/1",
        "apply_email": "",
        "valid_through": "",
        **overrides,
    }


def manage_url(posting: Posting) -> str:
    return reverse("recruiters:posting_manage", kwargs={"pk": posting.pk})


def admin_form_data(response: Any) -> dict[str, str]:
    """What a browser would post back from an admin change form as rendered."""
    data: dict[str, str] = {}

    def add(form: Any) -> None:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def image_bytes(
    format: str = "PNG", size: tuple[int, int] = (240, 120), colour: str = "#1d4ed8"
) -> bytes:
    """A small image file, as an owner would upload a logo."""
    import io

    from PIL import Image

    out = io.BytesIO()
    mode = "RGB" if format == "JPEG" else "RGBA"
    Image.new(mode, size, colour).save(out, format=format)
    return out.getvalue()


def logo_upload(data: bytes | None = None, name: str = "logo.png") -> Any:
    """`data` (a PNG by default) as the file a browser sends."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, image_bytes() if data is None else data)


# --- Property-based tests ----------------------------------------------------------------


def assert_security_headers(response: Any, *, https: bool = True) -> None:
    """The headers every response carries; HSTS only where it came over HTTPS."""
    if https:
        assert (
            response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-" not in csp


def fuzzing(examples: int) -> settings:
    """Hypothesis settings for examples that each go through a view: no deadline (a page
    may be slow on a busy machine), and Django's function-scoped fixtures allowed."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def notification_links(site: Any) -> dict[str, str]:
    """The pages a notification's links open without logging in, for `build_site()`'s
    posting and recruiter."""
    from postings import notifications
    from postings.models import Notification

    return {
        "extend link": reverse(
            "recruiters:posting_extend_link", args=[notifications.extension_token(site.posting)]
        ),
        "unsubscribe link": reverse(
            "recruiters:notification_unsubscribe",
            args=[notifications.unsubscribe_token(site.recruiter, Notification.POSTING_EXPIRING)],
        ),
        "broken notification link": "/recruiters/extend/not-a-token/",
    }


# --- Real browsers -----------------------------------------------------------------------

AXE_SCRIPT = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

BROKEN_REFERENCES = """() => {
  const broken = [];
  for (const attribute of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          broken.push(`${element.id || element.tagName} ${attribute} ${id}`);
        }
      }
    }
  }
  return broken;
}"""


def broken_references(page: Page) -> list[str]:
    """aria-describedby and its kin naming an id that is not on the page: an error message
    or a hint a screen reader would never announce. axe lets these pass when one id exists."""
    return page.evaluate(BROKEN_REFERENCES)


def axe_violations(page: Page) -> list[dict]:
    """axe-core's violations on the current page, as short readable dicts."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]


def log_in_browser(page: Page, live_server: Any, user: Any) -> None:
    """Give the browser a logged-in session without going through the login form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def response_body(response: Any) -> bytes:
    """A response's body as the client reads it, streamed (the aggregator feed, a file) or
    not, and gzip-compressed or not."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(content)
    return content


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page_in_new_context(browser: Browser, **options: Any) -> Iterator[Page]:
    """A page in a browser context of its own (no cookies shared between tests)."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
