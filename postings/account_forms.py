"""Forms of the account pages: logging in, signing up (alone or through an invitation) and
resetting a password. The recruiter workflow's forms are in postings.forms."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpRequest

from jobsite.clients import client_address
from jobsite.forms import FieldsetsMixin
from jobsite.origin import site_domain, site_scheme
from postings import accounts
from postings.models import EmailVerification

User = get_user_model()


def single_line_text(value: str) -> None:
    """Refuse line breaks and other control characters: names go into mail subjects and
    headers, where a line break would start a header of the writer's choosing."""
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise ValidationError(
            "Use letters, digits, spaces and punctuation only: no line breaks, tabs or other "
            "control characters.",
            code="control_characters",
        )


def organisation_website_field() -> forms.URLField:
    """An organisation's website as sign-up and the new-organisation form ask for it."""
    return forms.URLField(
        label="Organisation website",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Optional, e.g. https://example.com.",
    )


class LoginForm(AuthenticationForm):
    """Django's login form, asking for the email address that sign-up made the username."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs["autocomplete"] = "email"

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        # Sign-up stores addresses in lower case; staff usernames keep their case.
        return username.lower() if "@" in username else username

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        # Only someone who knows the password gets here, so this tells no one else anything.
        if not EmailVerification.is_verified(user):
            raise ValidationError(
                "Confirm your email address first: open the link in the email we sent when "
                "you signed up. Lost it? Sign up again with the same address for a new one.",
                code="unverified",
            )


class AccountForm(forms.Form):
    """A new user's name and password, checked by the site's password validators."""

    name = forms.CharField(
        label="Your name",
        max_length=150,
        validators=[single_line_text],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters; not only digits, not a common password.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="The same password, to catch typing mistakes.",
    )

    def email_address(self) -> str:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords differ.")
        elif password1:
            email = self.email_address()
            candidate = User(username=email, email=email, first_name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignupForm(FieldsetsMixin, AccountForm):
    """One sign-up for job seekers and recruiters: `intent` says which, and only a recruiter
    names an organisation (the page hides its fieldset while "looking for a job" is chosen;
    a seeker's answers there, if any, are dropped, so none can stop the sign-up).

    Whether the address has an account already is not the form's business: sign-up
    answers the same for any address, and mails the address (postings.accounts.signup)."""

    class Intent(models.TextChoices):
        SEEKER = "seeker", "I’m looking for a job"
        RECRUITER = "recruiter", "I’m hiring"

    intent = forms.ChoiceField(
        label="What brings you here?",
        choices=Intent.choices,
        initial=Intent.SEEKER,
        widget=forms.RadioSelect,
        help_text="Looking for a job: save jobs and keep track of them. Hiring: post jobs "
        "for your organisation. You can do both later.",
        error_messages={"required": "Choose whether you are looking for a job or hiring."},
    )

    email = forms.EmailField(
        label="Email address",
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a link to it to confirm it is yours. You log in with it.",
    )
    organisation_name = forms.CharField(
        label="Organisation name",
        max_length=150,
        required=False,
        validators=[single_line_text],
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text="The employer your postings are published under.",
    )
    website = organisation_website_field()

    ORGANISATION_FIELDS = ("organisation_name", "website")
    fieldsets = (
        ("You", ("intent", "name", "email", "password1", "password2")),
        ("Your organisation (only if you are hiring)", ORGANISATION_FIELDS),
    )

    def email_address(self) -> str:
        return self.cleaned_data.get("email", "")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    @property
    def is_hiring(self) -> bool:
        return self.cleaned_data.get("intent") == self.Intent.RECRUITER

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.is_hiring:
            if not cleaned.get("organisation_name", "").strip() and not self.has_error(
                "organisation_name"
            ):
                self.add_error(
                    "organisation_name",
                    forms.ValidationError(
                        "Name the organisation you are hiring for.", code="required"
                    ),
                )
        elif "intent" in cleaned:
            for name in self.ORGANISATION_FIELDS:
                self.errors.pop(name, None)
                cleaned[name] = ""
        return cleaned


class InvitationSignupForm(AccountForm):
    """Sign-up through an invitation: the email address is the one invited, which only the
    invitee reads, so saying it has an account tells no one else anything."""

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email.strip().lower()

    def email_address(self) -> str:
        return self.email

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if User.objects.filter(Q(username__iexact=self.email) | Q(email__iexact=self.email)):
            raise ValidationError(
                "An account with this email address exists already: log in to join.",
                code="taken",
            )
        return cleaned


class PasswordAgainForm(forms.Form):
    """An account's password, asked again before a step the account's owner must take
    themselves; subclasses say why (`help_text`) and what a wrong one means (`wrong`)."""

    help_text = ""
    wrong = "This is not your account's password."

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, account: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["password"].help_text = self.help_text

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.account.check_password(password):
            raise ValidationError(self.wrong, code="password")
        return password


class EmailConfirmForm(PasswordAgainForm):
    """The password chosen at sign-up, asked again when its address is confirmed: the link
    proves the inbox, the password that the inbox's owner is the one who signed up. Without
    it, someone who signed up with another person's address would share the account that
    person's click confirms."""

    help_text = "The one you chose when you signed up."
    wrong = (
        "This is not the password this account was made with. If you did not sign up "
        "yourself, choose a new password from the log-in page instead: that confirms your "
        "address too."
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form within the account mail limits, with links on the public origin.

    A request over a limit sends nothing and answers like any other ("check your email").
    """

    def save(self, *, request: HttpRequest, **kwargs: Any) -> None:  # type: ignore[override]
        email = self.cleaned_data["email"]
        if not any(self.get_users(email)):
            return
        if not accounts.mail_allowed(address=email, client=client_address(request)):
            return
        kwargs.update(
            domain_override=site_domain(),
            use_https=site_scheme() == "https",
            extra_email_context={"site_name": settings.SITE_NAME},
        )
        super().save(request=request, **kwargs)
