"""The save button and the share row, for pages postings renders (result lines, a posting's
page), which know nothing of seekers.

A public page is cached whole for anonymous visitors, so what those get must be the same for
everyone: a plain link to log in, with no form, no CSRF token and no saved state. A signed-in
visitor's page is never cached (jobsite/caching.py), and gets the form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import template
from django.http import HttpRequest
from django.utils.http import urlencode

from jobsite.origin import absolute_url
from jobsite.paths import fixed_path, row_path
from postings.models import Posting
from seekers.models import SavedJob

register = template.Library()

LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"


def saved_posting_ids(request: HttpRequest) -> set[int]:
    """The postings the signed-in visitor saved: one query per request, however many save
    buttons the page shows."""
    ids: set[int] | None = getattr(request, "_saved_posting_ids", None)
    if ids is None:
        ids = set(SavedJob.objects.of(request.user).values_list("posting_id", flat=True))
        request._saved_posting_ids = ids  # type: ignore[attr-defined]
    return ids


@register.inclusion_tag("seekers/includes/_save_control.html", takes_context=True)
def save_control(context: template.Context, posting: Posting) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    save_url = row_path("seekers:saved_job_save", posting.pk, kwarg="pk")
    signed_in = request is not None and request.user.is_authenticated
    return {
        "posting": posting,
        "signed_in": signed_in,
        "saved": signed_in and posting.pk in saved_posting_ids(request),  # type: ignore[arg-type]
        "save_url": save_url,
        "remove_url": row_path("seekers:saved_job_remove", posting.pk, kwarg="pk"),
        "login_url": f"{fixed_path('login')}?{urlencode({'next': save_url})}",
        "next": request.get_full_path() if signed_in else "",  # type: ignore[union-attr]
        "csrf_token": context.get("csrf_token") if signed_in else None,
    }


@register.inclusion_tag("seekers/includes/_share_row.html")
def share_row(posting: Posting) -> dict[str, Any]:
    """Links that share the posting's public address: by email, on LinkedIn, or copied (the
    one part that needs JavaScript: static/js/share.js). No third-party script."""
    url = absolute_url(posting.get_absolute_url())
    subject = f"{posting.title} at {posting.organisation.name}"
    body = f"I saw this job and thought of you:\n\n{subject}\n{url}\n"
    return {
        "posting": posting,
        "url": url,
        "email_href": f"mailto:?subject={quote(subject)}&body={quote(body)}",
        "linkedin_href": f"{LINKEDIN_SHARE}?{urlencode({'url': url})}",
    }
