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
from django.template.loader import render_to_string
from django.utils.html import format_html
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


@register.simple_tag(takes_context=True)
def save_control(context: template.Context, posting: Posting) -> str:
    """The save button of `posting`: a link to log in first for an anonymous visitor (the
    one cached pages hold, so written here, cheaply, for each result), the form to save or
    remove it for a signed-in one."""
    request: HttpRequest | None = context.get("request")
    save_url = row_path("seekers:saved_job_save", posting.pk, kwarg="pk")
    if request is None or not request.user.is_authenticated:
        return format_html(
            '<a class="save-control save-control__link" href="{}?{}" rel="nofollow">Save'
            '<span class="visually-hidden"> {} (log in first)</span></a>',
            fixed_path("login"),
            urlencode({"next": save_url}),
            posting.title,
        )
    saved = posting.pk in saved_posting_ids(request)
    return render_to_string(
        "seekers/includes/_save_control.html",
        {
            "posting": posting,
            "saved": saved,
            "action": row_path("seekers:saved_job_remove", posting.pk, kwarg="pk")
            if saved
            else save_url,
            "next": request.get_full_path(),
        },
        request=request,
    )


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
