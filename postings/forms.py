"""Forms of the recruiter workflow: organisations, invitations and postings. The account
pages' forms are in postings.account_forms."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice
from typing import Any, cast

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django_countries import countries

from jobsite.forms import FieldsetsMixin
from postings import currencies, places, regions
from postings.account_forms import organisation_website_field, single_line_text
from postings.models import (
    LIST_ITEM_LENGTH,
    LIST_ITEMS,
    POSTING_TEXT_LIMITS,
    NotificationPreferences,
    Organisation,
    Posting,
    TextLimit,
    Workplace,
    list_items,
)
from roles.models import Role

# ISO 3166-1 alpha-2: every officially assigned code.
_ISO_COUNTRY_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
ISO_COUNTRY_CODES = frozenset(_ISO_COUNTRY_CODES.split())


def country_code_error(code: str) -> ValidationError:
    return ValidationError(
        "“%(code)s” is not an ISO 3166-1 country code. Use two letters, e.g. GB or US.",
        code="country",
        params={"code": code},
    )


# --- Organisations and invitations -----------------------------------------------------


class OrganisationForm(forms.ModelForm):
    website = organisation_website_field()

    class Meta:
        model = Organisation
        fields = ["name", "website"]
        labels = {"name": "Organisation name"}
        help_texts = {"name": "The employer your postings are published under."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(single_line_text)


class InvitationForm(forms.Form):
    """Any address may be invited: whether it has an account, or belongs to another
    organisation, is the invitee's business when they open the link, not the owner's."""

    email = forms.EmailField(
        label="Email address",
        max_length=150,
        help_text="We send this address a link to join as a recruiter. It works for 7 days.",
    )

    def __init__(self, *args: Any, invited_by: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invited_by = invited_by

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # The inviter's name opens the invitation's subject line.
        try:
            single_line_text(self.invited_by.get_full_name())
        except ValidationError as error:
            raise ValidationError(
                "Your name, as the invitation would show it, holds line breaks or control "
                "characters. Ask staff to correct it, then invite again.",
                code="inviter_name",
            ) from error
        return cleaned


# --- Text limits -----------------------------------------------------------------------

# Errors about single lines of a list, at most: a pasted document would list hundreds.
MAX_LINE_ERRORS = 5


class TextLimitValidator:
    """Refuses a text longer than its limit, saying by how much."""

    def __init__(self, limit: TextLimit) -> None:
        self.limit = limit

    def __call__(self, value: str) -> None:
        if self.limit.fits(value):
            return
        over = len(value) - self.limit.length
        raise ValidationError(
            "%(noun)s %(verb)s %(length)s characters; the limit is %(limit)s. "
            "Shorten %(them)s by %(over)s.",
            code="max_length",
            params={
                "noun": self.limit.noun.capitalize(),
                "verb": "are" if self.limit.plural else "is",
                "length": f"{len(value):,}",
                "limit": f"{self.limit.length:,}",
                "them": "them" if self.limit.plural else "it",
                "over": f"{over:,}",
            },
        )


def validate_list_items(value: str) -> None:
    """At most LIST_ITEMS lines, each at most LIST_ITEM_LENGTH characters. An error names
    the line by its number in the box and its first words."""
    errors = []
    count = len(list_items(value))
    if count > LIST_ITEMS:
        errors.append(
            ValidationError(
                "There are %(count)s lines; the limit is %(limit)s. Merge or remove %(over)s.",
                code="list_items",
                params={
                    "count": f"{count:,}",
                    "limit": LIST_ITEMS,
                    "over": f"{count - LIST_ITEMS:,}",
                },
            )
        )
    long_lines = (
        (number, item)
        for number, item in enumerate(list_items_by_line(value), start=1)
        if len(item) > LIST_ITEM_LENGTH
    )
    for number, item in islice(long_lines, MAX_LINE_ERRORS):
        errors.append(
            ValidationError(
                "Line %(number)s (“%(start)s…”) is %(length)s characters; the limit is "
                "%(limit)s. Shorten it by %(over)s.",
                code="list_item_length",
                params={
                    "number": number,
                    "start": item[:40].rstrip(),
                    "length": f"{len(item):,}",
                    "limit": LIST_ITEM_LENGTH,
                    "over": f"{len(item) - LIST_ITEM_LENGTH:,}",
                },
            )
        )
    if errors:
        raise ValidationError(errors)


def list_items_by_line(value: str) -> list[str]:
    """Each line of the box as the item it becomes ("" for a blank line), so that a line's
    position is its number as the recruiter sees it."""
    return [line.strip(" -*\t") for line in value.splitlines()]


class TextLimitsMixin(forms.BaseForm):
    """A model form whose text fields state and enforce `text_limits`: the limit in the help
    text and as the box's maxlength, and an error saying how much to cut."""

    text_limits: dict[str, TextLimit] = {}
    list_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Bound to request.POST or a dict; a copy of its own, to mend line breaks in below.
        data = cast("QueryDict | dict[str, Any]", self.data).copy()
        for name, limit in self.text_limits.items():
            field = self.fields.get(name)
            if not isinstance(field, forms.CharField):
                continue
            if self.is_bound and isinstance(field.widget, forms.Textarea):
                # Browsers count a line break as one character against maxlength and send it
                # as two (CR LF): kept as one, the limit means the same on both sides.
                value = data.get(self.add_prefix(name))
                if isinstance(value, str):
                    data[self.add_prefix(name)] = value.replace("\r\n", "\n")
            field.max_length = limit.length
            field.widget.attrs["maxlength"] = str(limit.length)
            field.validators = [
                validator
                for validator in field.validators
                if not isinstance(validator, MaxLengthValidator)
            ]
            field.validators.append(TextLimitValidator(limit))
            if name in self.list_fields:
                field.validators.append(validate_list_items)
                stated = f"At most {LIST_ITEMS} lines of {LIST_ITEM_LENGTH} characters each."
            else:
                stated = f"At most {limit.length:,} characters."
            field.help_text = f"{field.help_text} {stated}".strip()
        if self.is_bound:
            self.data = data


# --- Postings --------------------------------------------------------------------------


class RemoteAreaField(forms.MultipleChoiceField):
    """Regions and countries, chosen in a list; codes typed by hand ("gb, ie"), as a
    script or an old form sends them, are read too."""

    def to_python(self, value: Any) -> list[str]:
        items = []
        for text in super().to_python(value):
            for part in re.split(r"[\s,;]+", text):
                key = part.lower()
                if part:
                    items.append(key if key in regions.regions() else part.upper())
        return list(dict.fromkeys(items))

    def validate(self, value: Any) -> None:
        for item in value:
            if item not in regions.regions() and item not in ISO_COUNTRY_CODES:
                raise country_code_error(item)


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country by its English name, in alphabetical order (django-countries'
    list): the form shows names, the database keeps the codes."""
    return [(country.code, country.name) for country in countries]


def remote_area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The regions, then every country by name."""
    return [
        ("Regions", [(key, region.name) for key, region in regions.regions().items()]),
        ("Countries", country_choices()),
    ]


class CountryField(forms.ChoiceField):
    """A country chosen by name and kept as its code; a code or a common name sent by a
    script or an old form ("gb", "UK") is read too."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[("", "Choose a country"), *country_choices()], **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value).strip()
        if not text:
            return ""
        found = places.countries_named(text, codes_in_any_case=True)
        return found[0] if found else text

    def validate(self, value: Any) -> None:
        super(forms.ChoiceField, self).validate(value)  # required, not the choices' message
        if value and value not in ISO_COUNTRY_CODES:
            raise country_code_error(value)


# What ISO 4217 lists beside currencies: funds, precious metals, the testing and "no
# currency" codes. A salary is in none of them.
NOT_CURRENCIES = frozenset(
    [
        "BOV",
        "CHE",
        "CHW",
        "CLF",
        "COU",
        "MXV",
        "USN",
        "UYI",
        "UYW",
        "XAG",
        "XAU",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XDR",
        "XPD",
        "XPT",
        "XSU",
        "XTS",
        "XUA",
        "XXX",
    ]
)
# Symbols people type for the currencies they name.
CURRENCY_SYMBOLS = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "CHF": "CHF"}


def currency_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """ISO 4217's currencies by code and name: those the site converts (salaries in them
    compare and sort with all others) first, then the rest."""
    every = sorted(
        currency.alpha_3
        for currency in pycountry.currencies
        if currency.alpha_3 not in NOT_CURRENCIES
    )
    rated = currencies.rated()
    label = currencies.currency_label
    return [
        ("Compared across currencies", [(code, label(code)) for code in every if code in rated]),
        ("Other currencies", [(code, label(code)) for code in every if code not in rated]),
    ]


class CurrencyField(forms.ChoiceField):
    """A currency chosen from ISO 4217 by name, kept as its code; a code in any case or a
    symbol ("£") sent by a script is read too."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=currency_choices, **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value).strip()
        return CURRENCY_SYMBOLS.get(text, text.upper())


class AmountInput(forms.NumberInput):
    """An amount as it was typed: 160000, not the 160000.00 a DecimalField stores."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int | float | str) and value != "":
            try:
                amount = Decimal(str(value))
            except ArithmeticError:
                return super().format_value(value)
            if amount.is_finite():
                whole = amount.to_integral_value()
                return str(whole) if amount == whole else str(amount)
        return super().format_value(value)


# Where a title says a place: in brackets, after a dash, bar or comma, or as its last words.
TITLE_PLACE_PARTS = re.compile(r"[(\[]([^)\]]+)[)\]]|(?:\s[-–—|]\s*|,\s*)([^,(\[\-–—|]+)$")
PLACE_LIST_SPLIT = re.compile(r"\s*(?:&|/|\+|\band\b|,)\s*")


def places_in_title(title: str) -> list[str]:
    """The places a job title names ("Office Manager (Frankfurt)", "COO — UK & Ireland",
    "Office Manager London"), as written: they belong in the location fields."""
    marked = [part for match in TITLE_PLACE_PARTS.finditer(title) for part in match.groups()]
    words = title.split()
    # Unmarked last words: only a well-known place, not a small town named like a word.
    last = [" ".join(words[-count:]) for count in (2, 1) if len(words) > count]
    found: list[str] = []
    for candidate, names_place in [
        *((text, places.read) for text in marked if text),
        *((text, places.is_well_known) for text in last),
    ]:
        for part in PLACE_LIST_SPLIT.split(candidate.strip()):
            if part and part[0].isupper() and part not in found and names_place(part):
                found.append(part)
    # "London" is found in "(London)" and as the last word: once.
    return [part for part in found if not any(part != other and part in other for other in found)]


def remote_area_initial(posting: Posting) -> list[str]:
    """What a posting's remote list shows chosen: its regions and the countries they leave
    out; Worldwide for a remote posting that names none (the search reads it so)."""
    if posting.is_open_worldwide:
        return [regions.WORLDWIDE]
    return regions.chosen(posting.remote_region_list, posting.remote_country_list)


class PostingForm(FieldsetsMixin, TextLimitsMixin, forms.ModelForm):
    """A posting's content. `publishing` adds what a public posting must have."""

    fieldsets = (
        ("The job", ("role", "title", "description")),
        ("Responsibilities and qualifications", ("responsibilities", "qualifications")),
        (
            "Type and place",
            (
                "employment_type",
                "workplace",
                "city",
                "region",
                "postal_code",
                "country",
                "remote_countries",
            ),
        ),
        ("Salary", ("salary_min", "salary_max", "salary_currency", "salary_period")),
        ("How to apply and until when", ("apply_url", "apply_email", "valid_through")),
    )
    text_limits = POSTING_TEXT_LIMITS
    list_fields = ("responsibilities", "qualifications")

    valid_through = forms.DateField(
        label="Valid through",
        required=False,
        # The date picker shows the day in the visitor's own order; it sends ISO 8601.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The last day applications are open: the posting closes at the end of it. "
        "Empty: 60 days after publishing.",
    )
    country = CountryField(label="Country", required=False)
    salary_currency = CurrencyField(label="Salary currency", required=False)
    # One list of regions and countries; the model keeps them apart (remote_regions, and
    # remote_countries with every country they add up to), see clean_remote_countries.
    remote_countries = RemoteAreaField(
        label="Remote: where applicants may live",
        required=False,
        choices=remote_area_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="For remote jobs: a region such as Worldwide or Europe, or countries (hold "
        "Ctrl, or ⌘ on a Mac, to choose several).",
    )
    apply_url = forms.URLField(
        label="Apply link",
        required=False,
        assume_scheme="https",
        help_text="Your application page, starting https://.",
    )

    class Meta:
        model = Posting
        # What recruiters write is what staff review: the same fields, in the same order.
        fields = list(Posting.REVIEWED_FIELDS)
        labels = {
            "title": "Job title",
            "postal_code": "Postal code",
            "salary_min": "Salary from",
            "salary_max": "Salary up to",
            "salary_period": "Salary period",
            "apply_email": "Apply by email",
        }
        help_texts = {
            "role": "The role template this posting follows; its explainer is linked from it.",
            "title": "The job's title as candidates search for it, e.g. Director of Operations.",
            "description": "The team, the work and what success looks like. Markdown: a blank "
            "line between paragraphs, **bold**, lists with “- ”.",
            "responsibilities": "One per line. Started from the role; keep, edit or add.",
            "qualifications": "One per line: education, experience, skills.",
            "salary_min": "A number, e.g. 60000.",
            "salary_max": "A number, at least the minimum.",
            "apply_email": "Or an address applications go to. One of the two is needed to publish.",
        }
        widgets = {
            "title": forms.TextInput(attrs={"class": "field__input--wide"}),
            "salary_min": AmountInput,
            "salary_max": AmountInput,
            "description": forms.Textarea(attrs={"rows": 10}),
            "responsibilities": forms.Textarea(attrs={"rows": 8}),
            "qualifications": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: Any, publishing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.publishing = publishing
        published = Q(is_published=True)
        if self.instance.role_id:
            published |= Q(pk=self.instance.role_id)
        role = cast(forms.ModelChoiceField, self.fields["role"])  # the model's foreign key
        role.queryset = Role.objects.filter(published)
        role.empty_label = "Choose a role"
        for name in ("salary_min", "salary_max"):
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs["min"] = "0"
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        self.fields["postal_code"].widget.attrs.update({"autocomplete": "postal-code", "size": 10})
        # Chosen with remote_countries, in one list (clean_remote_countries).
        del self.fields["remote_regions"]
        self.initial["remote_countries"] = remote_area_initial(self.instance)
        self.remote_regions = self.instance.remote_regions
        self.keep_stored_currency()
        if self.instance.valid_through:
            self.initial["valid_through"] = timezone.localdate(self.instance.valid_through)

    @classmethod
    def for_stored(cls, posting: Posting, *, publishing: bool = False) -> PostingForm:
        """A bound form of the posting as stored: to check it before publishing."""
        unbound = cls(instance=posting)
        data = {}
        for name in unbound.fields:
            value = unbound[name].initial
            data[name] = "" if value is None else value
        return cls(data, instance=posting, publishing=publishing)

    def keep_stored_currency(self) -> None:
        """A posting stored in a currency the list leaves out keeps it on the list."""
        stored = self.instance.salary_currency
        choices = currency_choices()
        offered = {code for _, group in choices for code, _ in group}
        if stored and stored not in offered:
            stored_choice = ("As stored", [(stored, currencies.currency_label(stored))])
            field = cast(CurrencyField, self.fields["salary_currency"])
            field.choices = [*choices, stored_choice]

    @property
    def title_places(self) -> list[str]:
        """The places the title names (see places_in_title), as the form holds it now."""
        if self.is_bound:
            title = self.cleaned_data.get("title", "") if hasattr(self, "cleaned_data") else ""
        else:
            title = self.initial.get("title") or self.instance.title
        return places_in_title(str(title or ""))

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_remote_countries(self) -> str:
        """The regions chosen go to `remote_regions`; the countries chosen and those of the
        regions, to `remote_countries` (none for Worldwide: open to every country)."""
        chosen: list[str] = self.cleaned_data["remote_countries"]
        keys = [item for item in chosen if item in regions.regions()]
        codes = [item for item in chosen if item not in regions.regions()]
        if regions.WORLDWIDE in keys:
            keys, codes = [regions.WORLDWIDE], []
        self.remote_regions = " ".join(keys)
        countries = " ".join(regions.countries_of(keys, codes))
        limit = POSTING_TEXT_LIMITS["remote_countries"]
        if not limit.fits(countries):
            raise ValidationError(
                "These regions and countries are most of the world: choose Worldwide, or "
                "fewer of them.",
                code="remote_countries",
            )
        return countries

    def clean_postal_code(self) -> str:
        return " ".join(self.cleaned_data["postal_code"].split()).upper()

    @property
    def changed_data(self) -> list[str]:
        # remote_regions is chosen in the remote_countries list: it changes with it.
        changed = list(super().changed_data)
        return [*changed, "remote_regions"] if "remote_countries" in changed else changed

    def _post_clean(self) -> None:
        self.instance.remote_regions = self.remote_regions
        super()._post_clean()  # type: ignore[misc]  # BaseModelForm has it; the stubs do not

    def clean_salary_currency(self) -> str:
        return self.cleaned_data["salary_currency"].strip().upper()

    def clean_valid_through(self) -> datetime | None:
        day: date | None = self.cleaned_data["valid_through"]
        if day is None:
            return None
        changed = "valid_through" in self.changed_data
        if not changed and self.instance.valid_through is not None:
            # Untouched: keep the stored moment rather than move it to the end of its day.
            moment = self.instance.valid_through
        else:
            # Open until the end of the chosen day, in the site's time zone.
            moment = datetime.combine(day, time(23, 59, 59), tzinfo=timezone.get_current_timezone())
        # An expired posting may be edited as it is; a new date, or publishing, needs a future one.
        if moment <= timezone.now() and (changed or self.publishing):
            raise ValidationError("This date has passed: choose today or a later day.", code="past")
        return moment

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        salary_min, salary_max = cleaned.get("salary_min"), cleaned.get("salary_max")
        if salary_min is not None and salary_max is not None and salary_min > salary_max:
            self.add_error(
                "salary_min",
                ValidationError(
                    "The minimum salary is above the maximum: swap them or correct one.",
                    code="salary_range",
                ),
            )
        if (
            cleaned.get("workplace") == Workplace.REMOTE
            and "remote_countries" in cleaned
            and not self.remote_regions
            and not cleaned["remote_countries"]
        ):
            self.add_error(
                "remote_countries",
                ValidationError(
                    "Say where applicants may live: Worldwide, a region or countries.",
                    code="remote_area",
                ),
            )
        has_salary = salary_min is not None or salary_max is not None
        if has_salary and not cleaned.get("salary_currency") and "salary_currency" in cleaned:
            self.add_error(
                "salary_currency",
                ValidationError("Give the salary's currency, e.g. GBP.", code="currency"),
            )
        if has_salary and not cleaned.get("salary_period") and "salary_period" in cleaned:
            self.add_error(
                "salary_period",
                ValidationError(
                    "Say whether the salary is per year, month, day or hour.", code="period"
                ),
            )
        needs_apply_route = self.publishing or not self.instance.is_draft
        if (
            needs_apply_route
            and "apply_url" in cleaned
            and "apply_email" in cleaned
            and not cleaned["apply_url"]
            and not cleaned["apply_email"]
        ):
            self.add_error(
                "apply_url",
                ValidationError(
                    "Give an apply link or an email address: candidates need a way to apply.",
                    code="apply_route",
                ),
            )
        return cleaned


def initial_from_role(role: Role) -> dict[str, Any]:
    """A new posting's starting point: the role's title, responsibilities and qualifications."""
    return {
        "role": role,
        "title": role.title,
        "responsibilities": "\n".join(item.text for item in role.responsibilities.all()),
        "qualifications": "\n".join(item.text for item in role.qualifications.all()),
    }


class ExtendForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Extend by",
        coerce=int,
        choices=[(14, "2 weeks"), (30, "30 days"), (60, "60 days"), (90, "90 days")],
        initial=30,
    )


class RejectForm(forms.Form):
    """Staff's reason for sending postings back, shown to their recruiters."""

    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown to the posting's recruiters on their dashboard. Say what to change.",
    )


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationPreferences
        fields = ["posting_reviewed", "posting_expiring", "invitation_accepted"]
