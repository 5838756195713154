"""Forms of a job seeker's own pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError


class AccountDeleteForm(forms.Form):
    """The account's password, asked again: a session left open on a shared computer must
    not be enough to delete an account."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To confirm it is you. Deleting cannot be undone.",
    )

    def __init__(self, *args: Any, account: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.account.check_password(password):
            raise ValidationError("This is not your account's password.", code="password")
        return password
