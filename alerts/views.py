"""Alert pages. None is a public page: each answers one visitor (a form, a signed link), so
none is in the page cache, and the search page only links here, with no form of its own.

The confirmation, manage and unsubscribe pages are reached by signed links (alerts/links.py)
without an account; a GET never changes anything (mail scanners open links), a POST does.
Unsubscribing takes a POST alone, with no login and no CSRF token: a mail client's one-click
unsubscribe (RFC 8058) sends exactly that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from alerts import links
from alerts.forms import AlertForm, FrequencyForm
from alerts.searches import AlertSearch
from alerts.services import alert_subscribe
from jobsite.clients import client_address

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def invalid_link(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "alerts/alert_link_invalid.html", status=404)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def alert_create(request: HttpRequest) -> HttpResponseBase:
    """ "Email me these jobs": the search from the query string, how often, and where to."""
    search = AlertSearch.from_request(request.GET)
    signed_in = request.user.is_authenticated
    form = AlertForm(request.POST or None, signed_in=signed_in)
    if form.is_valid():
        alert = alert_subscribe(
            search=search,
            frequency=form.cleaned_data["frequency"],
            user=request.user,
            email=form.cleaned_data.get("email", ""),
            client=client_address(request),
        )
        if alert is not None:
            messages.success(request, f"Alert saved: {alert.description}.")
            return redirect("alerts:alert_list")
        return redirect("alerts:alert_sent")
    return TemplateResponse(request, "alerts/alert_form.html", {"search": search, "form": form})


@require_GET
def alert_sent(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "alerts/alert_sent.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def alert_confirm(request: HttpRequest, token: str) -> HttpResponseBase:
    """GET shows the Confirm button; the POST starts the alert."""
    alert = links.alert_for(token, links.CONFIRM_SALT)
    if alert is None:
        return invalid_link(request)
    if request.method == "POST":
        alert.confirm()
        return redirect(links.manage_path(alert))
    return TemplateResponse(request, "alerts/alert_confirm.html", {"alert": alert})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def alert_manage(request: HttpRequest, token: str) -> HttpResponseBase:
    """The alert's search, how often it is sent (a POST changes it), and a way out."""
    alert = links.alert_for(token, links.MANAGE_SALT)
    if alert is None:
        return invalid_link(request)
    form = FrequencyForm(request.POST or None, instance=alert)
    if form.is_valid():
        alert.set_frequency(form.cleaned_data["frequency"])
        how_often = alert.get_frequency_display().lower()
        messages.success(request, f"You will get these jobs {how_often}.")
        return redirect(request.path)
    return TemplateResponse(
        request,
        "alerts/alert_manage.html",
        {"alert": alert, "form": form, "unsubscribe_url": links.unsubscribe_url(alert)},
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the button; a POST deletes the alert, whatever its body (RFC 8058 mail
    clients send List-Unsubscribe=One-Click). Deleting twice is as good as once."""
    alert = links.alert_for(token, links.MANAGE_SALT)
    if request.method == "POST":
        if alert is not None:
            alert.delete()
        elif not links.is_signed(token, links.MANAGE_SALT):
            return invalid_link(request)
        return TemplateResponse(request, "alerts/alert_unsubscribed.html")
    if alert is None:
        return invalid_link(request)
    return TemplateResponse(request, "alerts/alert_unsubscribe.html", {"alert": alert})


class SignedInRequest(HttpRequest):
    user: User


@login_required
@require_GET
def alert_list(request: SignedInRequest) -> TemplateResponse:
    """The signed-in visitor's own alerts, each with its manage link."""
    alerts = links.alerts_of(request.user)
    return TemplateResponse(request, "alerts/alert_list.html", {"alerts": alerts})
