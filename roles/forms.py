"""The comparison picker's form: two published roles to set side by side."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from roles.models import Role
from roles.presentation import full_name


class RolePairForm(forms.Form):
    """Two different roles among `roles` (read once by the view, so the form runs no query
    of its own), by slug."""

    a = forms.ChoiceField(label="First role")
    b = forms.ChoiceField(label="Second role")

    def __init__(self, *args: Any, roles: Iterable[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = {role.slug: role for role in roles}
        choices = [("", "Choose a role"), *((slug, full_name(r)) for slug, r in self.roles.items())]
        for name in ("a", "b"):
            cast("forms.ChoiceField", self.fields[name]).choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("a") and cleaned.get("a") == cleaned.get("b"):
            self.add_error("b", "Choose a different role from the first.")
        return cleaned

    def pair(self) -> tuple[Role, Role]:
        """The two roles chosen, once the form is valid."""
        return self.roles[self.cleaned_data["a"]], self.roles[self.cleaned_data["b"]]
