from __future__ import annotations

from typing import Any

from django import forms

from alerts.models import Alert, Frequency
from postings.accounts import normalise_email


class AlertForm(forms.Form):
    """A new alert: how often, and where to, unless the visitor is signed in (then their
    account's address)."""

    frequency = forms.ChoiceField(
        label="How often",
        choices=Frequency.choices,
        initial=Frequency.DAILY,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We send a link to confirm it; nothing else is sent until you do.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, signed_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["email"]

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class FrequencyForm(forms.ModelForm):
    class Meta:
        model = Alert
        fields = ["frequency"]
        labels = {"frequency": "How often"}
        widgets = {"frequency": forms.RadioSelect}
