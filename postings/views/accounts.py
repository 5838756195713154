"""Account pages: sign-up and its email verification, password reset within the mail
limits, and accepting an invitation.

Nothing here tells a visitor whether an address has an account: sign-up and password reset
answer "check your inbox" for every address, and the mail itself says the rest, to the
address's owner only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jobsite.clients import client_address
from postings import accounts
from postings.account_forms import (
    EmailConfirmForm,
    InvitationSignupForm,
    LoginForm,
    PasswordResetForm,
    SignupForm,
)
from postings.models import EmailVerification, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignedInRequest(HttpRequest):
    """The request of a view behind login_required: its user has signed in."""

    user: User


def unverified_refusal(request: SignedInRequest, redirect_to: str) -> HttpResponse | None:
    """A redirect with a message if the user's address is unverified, else None: publishing
    and inviting speak for the site to strangers, so they wait for a verified address."""
    if EmailVerification.is_verified(request.user):
        return None
    messages.error(
        request,
        f"Confirm your email address first: open the link we sent to {request.user.email}. "
        "Until then you can write drafts, but not publish or invite.",
    )
    return redirect(redirect_to)


def landing_url(user: User) -> str:
    """Where an account lands after logging in: a recruiter (who may also be looking for a
    job) on the dashboard, which links to their saved jobs; anyone else on
    LOGIN_REDIRECT_URL, a job seeker's own page."""
    if Membership.objects.filter(user=user).exists():
        return resolve_url("recruiters:dashboard")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    """Django's login, asking for the email address, landing where `landing_url` says
    unless a safe `next` names a page."""

    authentication_form = LoginForm

    def get_default_redirect_url(self) -> str:
        # Asked once the form has logged the user in.
        return landing_url(cast("User", self.request.user))


# --- Sign-up and verification ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def signup(request: HttpRequest) -> HttpResponseBase:
    if request.user.is_authenticated:
        return redirect(landing_url(request.user))
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                accounts.signup(
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    organisation_name=form.cleaned_data["organisation_name"],
                    website=form.cleaned_data["website"],
                    client=client_address(request),
                )
            except accounts.MailNotSent:
                form.add_error(
                    "email",
                    "We could not send mail just now, so nothing was saved. Try again in a "
                    "few minutes.",
                )
            else:
                return redirect("signup_done")
    else:
        # "For recruiters" links here with ?as=recruiter; anything else is a job seeker.
        hiring = request.GET.get("as") == SignupForm.Intent.RECRUITER
        form = SignupForm(initial={"intent": SignupForm.Intent.RECRUITER} if hiring else {})
    return TemplateResponse(request, "registration/signup.html", {"form": form})


@require_GET
def signup_done(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "registration/signup_done.html")


@require_http_methods(["GET", "POST"])
@never_cache
def email_verify(request: HttpRequest, token: str) -> HttpResponseBase:
    """GET shows the form and changes nothing, since mail scanners open links; the POST,
    with the password chosen at sign-up, verifies the address and logs its owner in."""
    try:
        user = accounts.user_from_verification_token(token)
        form = EmailConfirmForm(request.POST or None, account=user)
        if form.is_valid():
            accounts.email_verify(user)
    except accounts.VerificationError as error:
        return TemplateResponse(
            request,
            "registration/email_verify_invalid.html",
            {"reason": str(error)},
            status=400,
        )
    if form.is_valid():
        login(request, user, backend=BACKEND)
        messages.success(request, "Your email address is confirmed. Welcome!")
        return redirect(landing_url(user))
    return TemplateResponse(
        request, "registration/email_verify.html", {"account": user, "form": form}
    )


# --- Passwords ---------------------------------------------------------------------------


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a completed reset also verifies the address, as its link went there."""

    def form_valid(self, form: Any) -> HttpResponse:
        EmailVerification.verify(form.user)
        return super().form_valid(form)


password_reset = auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)
password_reset_confirm = PasswordResetConfirmView.as_view()


# --- Invitations -------------------------------------------------------------------------


def invitation_refused(request: HttpRequest, reason: str, status: int = 400) -> TemplateResponse:
    return TemplateResponse(
        request, "registration/invitation_invalid.html", {"reason": reason}, status=status
    )


@require_http_methods(["GET", "POST"])
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        invitation = accounts.invitation_from_token(token)
    except accounts.InvitationError as error:
        return invitation_refused(request, str(error))
    context: dict[str, Any] = {"invitation": invitation, "organisation": invitation.organisation}
    if request.user.is_authenticated:
        if not invitation.is_for(request.user):
            return invitation_refused(
                request,
                f"This invitation was sent to another address, not to {request.user.email}. "
                "Log out, then open the link again to join with the invited address.",
                status=403,
            )
        membership = (
            Membership.objects.select_related("organisation").filter(user=request.user).first()
        )
        if membership is not None:
            context["membership"] = membership
        elif request.method == "POST":
            try:
                accounts.invitation_accept(invitation=invitation, user=request.user)
            except accounts.InvitationError as error:
                return invitation_refused(request, str(error))
            messages.success(request, f"You are now a recruiter of {invitation.organisation}.")
            return redirect("recruiters:dashboard")
        return TemplateResponse(request, "registration/invitation_accept.html", context)

    if request.method == "POST":
        form = InvitationSignupForm(request.POST, email=invitation.email)
        if form.is_valid():
            try:
                with transaction.atomic():
                    user = accounts.account_create(
                        name=form.cleaned_data["name"],
                        email=invitation.email,
                        password=form.cleaned_data["password1"],
                    )
                    accounts.invitation_accept(invitation=invitation, user=user)
            except (IntegrityError, accounts.InvitationError):
                # A simultaneous submit of this link made the account first.
                return invitation_refused(
                    request,
                    "This invitation has been used already. Log in with the account it created.",
                )
            login(request, user, backend=BACKEND)
            messages.success(request, f"Welcome! You are a recruiter of {invitation.organisation}.")
            return redirect("recruiters:dashboard")
    else:
        form = InvitationSignupForm(email=invitation.email)
    context["form"] = form
    return TemplateResponse(request, "registration/invitation_accept.html", context)
