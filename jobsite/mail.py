"""Mail the site writes: each message from its templates, in plain text and HTML, sent by the
task worker (jobsite.tasks.send_email).

A message named `name` has three templates: `name_subject.txt` (squeezed to one line, so no
text in the context can add a header), `name.txt` and `name.html` (which extends
`email/base.html`). Every template gets the site's name and public address besides the
caller's context; links in mail are absolute (jobsite.origin.absolute_url).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from jobsite.tasks import send_email


def render_email(name: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """The subject, plain text and HTML of the message `name`."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{name}_subject.txt", context).split())
    text = render_to_string(f"{name}.txt", context)
    return subject, text, render_to_string(f"{name}.html", context)


def send_templated_email(
    name: str,
    context: Mapping[str, Any],
    *,
    to: Sequence[str],
    headers: Mapping[str, str] | None = None,
    message_id: str | None = None,
) -> str:
    """Render the message `name` and queue it (after the transaction commits); returns its
    Message-ID."""
    subject, body, html_body = render_email(name, context)
    return send_email(
        subject=subject,
        body=body,
        html_body=html_body,
        to=to,
        headers=headers,
        message_id=message_id,
    )


def one_click_unsubscribe(url: str) -> dict[str, str]:
    """The headers of a message its reader can leave with one click (RFC 8058): mail clients
    POST `List-Unsubscribe=One-Click` to `url`, which must unsubscribe on that POST alone, with
    no login and no page to confirm on. A GET of the same address may show a page instead
    (mail scanners fetch links, so a GET must never unsubscribe)."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
