"""The pages behind notification mail (postings.notifications): a recruiter's choice of which
to receive, and the two links a message carries, which work without logging in. A GET of a
link shows a page with one button; only its POST changes anything, since mail scanners
fetch links. Nothing here is cached: each page is about one person's link or account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from postings import notifications
from postings.forms import NotificationPreferencesForm
from postings.models import Membership, NotificationPreferences
from postings.views.accounts import SignedInRequest
from postings.views.recruiters import member_required


def link_refused(request: HttpRequest, reason: str) -> TemplateResponse:
    return TemplateResponse(
        request, "recruiters/notification_link_invalid.html", {"reason": reason}, status=400
    )


@never_cache
@require_http_methods(["GET", "POST"])
@member_required
def notification_preferences(request: SignedInRequest, membership: Membership) -> HttpResponseBase:
    """The signed-in user's own choices: no other user's row is reachable from here."""
    preferences = NotificationPreferences.of(request.user)
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST, instance=preferences)
        if form.is_valid():
            form.save()
            messages.success(request, "Your notification choices are saved.")
            return redirect("recruiters:notification_preferences")
    else:
        form = NotificationPreferencesForm(instance=preferences)
    return TemplateResponse(request, "recruiters/notification_preferences.html", {"form": form})


# RFC 8058: a mail client unsubscribes with a bare POST to the link, with no cookie or form
# token; the signed link is the authority, and all it can do is stop one kind of mail to
# the person it was sent to. The page's own button posts the same.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        unsubscription = notifications.unsubscription_from_token(token)
    except notifications.LinkError as error:
        return link_refused(request, str(error))
    if request.method == "POST":
        NotificationPreferences.turn_off(unsubscription.user, unsubscription.kind)
    return TemplateResponse(
        request,
        "recruiters/notification_unsubscribe.html",
        {"kind": unsubscription.kind, "done": request.method == "POST"},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def posting_extend_link(request: HttpRequest, token: str) -> HttpResponseBase:
    """The reminder's Extend link: its POST (CSRF-protected) extends the posting once."""
    try:
        extension = notifications.extension_from_token(token)
    except notifications.LinkError as error:
        return link_refused(request, str(error))
    try:
        if request.method == "POST":
            extension.apply()
        else:
            extension.posting.require_expiring(extension.expiring)
    except ValidationError as error:
        return link_refused(request, " ".join(error.messages))
    return TemplateResponse(
        request,
        "recruiters/posting_extend_link.html",
        {
            "posting": extension.posting,
            "days": notifications.REMINDER_EXTENSION_DAYS,
            "done": request.method == "POST",
        },
    )
