"""Forms of an owner's organisation settings: its public details, its logo, its team's access.
The recruiter workflow's forms are in postings.forms, the account pages' in
postings.account_forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from jobsite.forms import FieldsetsMixin
from postings import logos
from postings.account_forms import organisation_website_field, single_line_text
from postings.forms import TextLimitsMixin
from postings.models import ORGANISATION_TEXT_LIMITS, Membership, Organisation


class OrganisationSettingsForm(FieldsetsMixin, TextLimitsMixin, forms.ModelForm):
    """What the company page says of the organisation."""

    fieldsets = (
        ("Name and website", ("name", "website")),
        ("Company page", ("description", "industry", "size", "headquarters")),
    )
    text_limits = ORGANISATION_TEXT_LIMITS
    website = organisation_website_field()

    class Meta:
        model = Organisation
        fields = ["name", "website", "description", "industry", "size", "headquarters"]
        labels = {"name": "Organisation name", "size": "Number of employees"}
        help_texts = {
            "name": "The employer your postings are published under.",
            "description": "Who you are and what working with you is like. Markdown: a blank "
            "line between paragraphs, **bold**, lists with “- ”.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "industry", "headquarters"):
            self.fields[name].validators.append(single_line_text)
        # A CharField with choices: a TypedChoiceField, whose empty choice is named here.
        size = cast(forms.TypedChoiceField, self.fields["size"])
        size.choices = [("", "Not given"), *Organisation.Size.choices]
        self.fields["website"].help_text = (
            "Your organisation’s own site, e.g. https://example.com. When an owner’s email "
            "address is at the same domain, your postings show “Domain verified”."
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if name != self.instance.name:
            lookalike = Organisation.lookalike_for(name, exclude=self.instance.pk)
            if lookalike is not None:
                raise ValidationError(
                    "This name is the same as, or very close to, that of a verified employer "
                    "on the site. If you are that employer, ask its owners to invite you.",
                    code="lookalike",
                )
        return name


class LogoForm(forms.Form):
    """An upload, checked by its content (postings/logos.py): `prepared` holds the result."""

    logo = forms.FileField(
        label="Logo",
        help_text=f"PNG, JPEG, WebP or GIF, at most {logos.LOGO_MAX_BYTES // (1024 * 1024)} MB; "
        "square works best. SVG is not accepted.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )

    prepared: tuple[str, bytes, tuple[int, int]]

    def clean_logo(self) -> Any:
        upload = self.cleaned_data["logo"]
        try:
            self.prepared = logos.prepare(upload)
        except logos.LogoError as error:
            raise ValidationError(str(error), code="logo") from None
        return upload


class MemberAccessForm(forms.Form):
    access = forms.ChoiceField(label="Access", choices=Membership.Access.choices)
