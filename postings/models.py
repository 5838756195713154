"""Organisations, their recruiters, and the job postings they publish."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import reduce
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Length
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from jobsite.caching import InvalidatingQuerySet
from jobsite.conditions import unless_either_unset
from jobsite.markup import render_markdown, text_of
from jobsite.paths import row_path
from postings import currencies, identity, logos, places, regions
from postings.facets import FACET_COLUMNS, SAMPLE_BUCKET
from roles.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class TextLimit:
    """The most a person may write in one text field, and how a sentence names the field."""

    length: int
    noun: str
    plural: bool = False

    def fits(self, text: str) -> bool:
        return len(text) <= self.length

    def cut(self, text: str) -> str:
        return text[: self.length]


# What recruiters may write, in characters: the one statement of it. The recruiters' and
# the admin's forms state and enforce it (postings/forms.py); whatever is stored all the
# same (rows from before, the database directly) is shown cut at it, and its recruiters are
# told (`Posting.texts_over_limits`); the search document reads no further (migration
# 0007). A page, a feed item or a search document is then bounded whatever one posting holds.
POSTING_TEXT_LIMITS = {
    "title": TextLimit(150, "the title"),
    "description": TextLimit(20_000, "the description"),
    # Lists, one item a line: at most LIST_ITEMS lines of LIST_ITEM_LENGTH characters, with
    # room for bullets and line breaks.
    "responsibilities": TextLimit(16_000, "the responsibilities", plural=True),
    "qualifications": TextLimit(16_000, "the qualifications", plural=True),
    "city": TextLimit(100, "the city"),
    "region": TextLimit(100, "the region"),
    "postal_code": TextLimit(20, "the postal code"),
    # Derived from the regions and countries chosen (postings/regions.py): room for most
    # of the world, which is where "Worldwide" (kept as no list) takes over.
    "remote_countries": TextLimit(750, "the list of countries"),
    "apply_url": TextLimit(500, "the apply link"),
    "apply_email": TextLimit(254, "the email address"),
}
LIST_ITEM_LENGTH = 500
# A posting's place as written, and the keys derived from it (Posting.fill_place_keys).
PLACE_FIELDS = frozenset({"city", "region", "country"})
PLACE_KEYS = ("city_key", "region_key")
LIST_ITEMS = 30
ORGANISATION_TEXT_LIMITS = {
    "name": TextLimit(150, "the name"),
    "website": TextLimit(200, "the website address"),
    "description": TextLimit(2_000, "the description"),
    "industry": TextLimit(100, "the industry"),
    "headquarters": TextLimit(100, "the headquarters"),
}


def rendered_description(description: str) -> dict[str, str]:
    """A RenderedDescription's columns for `description`, as shown: cut at its limit."""
    if not isinstance(description, str):
        raise TypeError("A posting's description is written as text, for it to be rendered.")
    shown = POSTING_TEXT_LIMITS["description"].cut(description)
    rendered = render_markdown(shown)
    return {"html": rendered, "text": text_of(rendered)}


def feed_copy_columns(rendered: str, responsibilities: str, qualifications: str) -> dict[str, str]:
    """A RenderedDescription's feed columns, for its rendering and the lists as stored."""
    from postings import descriptions

    return {
        "feed_html": descriptions.feed_copy(
            rendered, shown_list(responsibilities), shown_list(qualifications)
        ),
        "feed_source": descriptions.feed_source(rendered, responsibilities, qualifications),
    }


def list_items(text: str) -> list[str]:
    """A one-item-a-line text as its items, without bullets: all of them, uncut."""
    return [line.strip(" -*\t") for line in text.splitlines() if line.strip()]


iso_country = RegexValidator(r"^[A-Z]{2}$", "Use a two-letter ISO 3166-1 country code, e.g. GB.")
iso_currency = RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO 4217 currency code, e.g. EUR.")
iso_country_list = RegexValidator(
    r"^([A-Z]{2}( [A-Z]{2})*)?$",
    "Use two-letter ISO 3166-1 country codes separated by spaces, e.g. GB IE FR.",
)


def validate_region_list(value: str) -> None:
    unknown = [key for key in value.split() if key not in regions.regions()]
    if unknown:
        raise ValidationError(
            "“%(key)s” is not a region: use %(known)s.",
            code="region",
            params={"key": unknown[0], "known": ", ".join(regions.regions())},
        )


class OrganisationQuerySet(InvalidatingQuerySet):
    def active(self) -> OrganisationQuerySet:
        """Organisations whose postings may appear on the public site."""
        return self.filter(is_suspended=False)

    def verified(self) -> OrganisationQuerySet:
        """Checked by staff, or by an owner's address at the website's domain."""
        return self.filter(Q(is_verified=True) | ~Q(verified_domain=""))

    def held(self) -> OrganisationQuerySet:
        """Named like a verified employer: waiting for staff before anything is public."""
        return self.filter(lookalike_of__isnull=False, is_verified=False)

    def public(self) -> OrganisationQuerySet:
        """Organisations with a company page: active, not held, and verified or with a
        posting that has been public (so a sign-up that never posted has no page)."""
        has_been_public = Exists(
            Posting.objects.filter(
                organisation=OuterRef("pk"), status__in=Posting.APPROVED_STATUSES
            )
        )
        return (
            self.active()
            .filter(Q(lookalike_of__isnull=True) | Q(is_verified=True))
            .filter(Q(is_verified=True) | ~Q(verified_domain="") | has_been_public)
        )

    def with_open_posting_counts(self) -> OrganisationQuerySet:
        """Each with `open_postings`, its count of public postings: one subquery per row
        shown, through the (organisation, status) index, not a count of every posting."""
        counts = (
            Posting.objects.public()
            .filter(organisation=OuterRef("pk"))
            .order_by()
            .values("organisation")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(open_postings=Coalesce(Subquery(counts), 0))


class OrganisationSize(models.TextChoices):
    MICRO = "1-10", "1–10 people"
    SMALL = "11-50", "11–50 people"
    MEDIUM = "51-200", "51–200 people"
    LARGE = "201-1000", "201–1,000 people"
    VERY_LARGE = "1001-5000", "1,001–5,000 people"
    HUGE = "5001+", "More than 5,000 people"


class Organisation(models.Model):
    Size = OrganisationSize

    name = models.CharField(max_length=ORGANISATION_TEXT_LIMITS["name"].length)
    slug = models.SlugField(max_length=160, unique=True)
    website = models.URLField(max_length=ORGANISATION_TEXT_LIMITS["website"].length, blank=True)
    description = models.TextField(
        blank=True, help_text="A short public description, on the company page. Markdown."
    )
    industry = models.CharField(
        max_length=ORGANISATION_TEXT_LIMITS["industry"].length,
        blank=True,
        help_text="What the organisation does, in a few words, e.g. Freight and logistics.",
    )
    size = models.CharField(
        max_length=10, choices=Size.choices, blank=True, help_text="How many people it employs."
    )
    headquarters = models.CharField(
        max_length=ORGANISATION_TEXT_LIMITS["headquarters"].length,
        blank=True,
        help_text="Where its head office is, e.g. Rotterdam, Netherlands.",
    )
    logo_digest = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="The logo's content digest: its image is the Logo row of that digest, its "
        "files logos/<digest>-<size>.png in the media storage. Empty: no logo.",
    )
    is_verified = models.BooleanField(
        "verified", default=False, help_text="Staff have checked that the organisation is real."
    )
    verified_domain = models.CharField(
        max_length=253,
        blank=True,
        editable=False,
        help_text="Set by the site: the website's domain, when an owner's confirmed email "
        "address is at it (never a free-mail or shared host). Empty: not domain verified.",
    )
    lookalike_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set by the site at sign-up: a verified organisation whose name this one's "
        "matches or nearly matches. Held until staff verify it or release it: its postings "
        "wait for review and it has no public page.",
    )
    is_suspended = models.BooleanField(
        "suspended",
        default=False,
        help_text="A suspended organisation's postings leave the public site at once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size="") | Q(size__in=OrganisationSize.values),
                name="%(app_label)s_%(class)s_size_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.slug:
            super().save(*args, **kwargs)
        else:
            save_with_free_slug(self, self.name, super().save, *args, **kwargs)

    def get_absolute_url(self) -> str:
        return row_path("companies:company_detail", self.slug)

    @classmethod
    @transaction.atomic
    def create_with_owner(cls, *, owner: User, name: str, website: str = "") -> Organisation:
        """A new organisation with `owner`, who has none yet, as its owner; held if its
        name imitates a verified employer's."""
        name = name.strip()
        organisation = cls.objects.create(
            name=name, website=website, lookalike_of_id=cls.lookalike_for(name)
        )
        Membership.objects.create(
            user=owner, organisation=organisation, access=Membership.Access.OWNER
        )
        organisation.refresh_domain_verification()
        return organisation

    @classmethod
    def lookalike_for(cls, name: str, *, exclude: int | None = None) -> int | None:
        """The id of a verified organisation whose name `name` matches or nearly matches."""
        verified = cls.objects.verified().exclude(pk=exclude).values_list("pk", "name")
        return identity.lookalike(name, dict(verified))

    # Who the public is told the organisation is.

    @property
    def is_domain_verified(self) -> bool:
        return bool(self.verified_domain)

    @property
    def verification_badge(self) -> str:
        """What the badge beside its name says: "Verified employer" when staff checked it,
        "Domain verified" when an owner's address is at its website's domain, else ""."""
        if self.is_verified:
            return "Verified employer"
        return "Domain verified" if self.verified_domain else ""

    @property
    def is_held(self) -> bool:
        return self.lookalike_of_id is not None and not self.is_verified

    @property
    def logo(self) -> logos.LogoFiles | None:
        """Its logo's addresses by size, or None."""
        return logos.LogoFiles(self.logo_digest) if self.logo_digest else None

    @property
    def employee_range(self) -> tuple[int, int | None] | None:
        """The size as (fewest, most) people; most is None for the largest band."""
        if not self.size:
            return None
        low, _, high = self.size.rstrip("+").partition("-")
        return int(low), int(high) if high else None

    def postings_need_review(self) -> bool:
        """Whether its postings, and changes to them, wait for staff before they are public:
        all postings when POSTINGS_REQUIRE_REVIEW is on; a held organisation's always; an
        unverified one's (by staff or by domain) when POSTINGS_REVIEW_UNVERIFIED is on."""
        if settings.POSTINGS_REQUIRE_REVIEW or self.is_held:
            return True
        verified = self.is_verified or self.is_domain_verified
        return settings.POSTINGS_REVIEW_UNVERIFIED and not verified

    # State changes.

    def refresh_domain_verification(self) -> bool:
        """Work out again whether an owner's confirmed address is at the website's domain,
        and store it: after the website, the owners or an owner's confirmation change.
        Returns whether the organisation is domain verified now."""
        owners = self.memberships.filter(access=Membership.Access.OWNER).exclude(
            user__in=EmailVerification.objects.pending().values("user")
        )
        domain = identity.verified_domain(
            self.website, owners.values_list("user__email", flat=True)
        )
        if domain != self.verified_domain:
            Organisation.objects.filter(pk=self.pk).update(verified_domain=domain)
            self.verified_domain = domain
        return bool(domain)

    @transaction.atomic
    def set_logo(self, logo: Logo | None) -> None:
        """Show `logo` from now on (None: no logo). The image of the one it replaces is
        deleted when no organisation shows it; its files stay in storage, since pages
        cached before the change still name them."""
        before = self.logo_digest
        self.logo_digest = logo.digest if logo is not None else ""
        self.save(update_fields=["logo_digest", "updated_at"])
        if before and before != self.logo_digest:
            Logo.objects.filter(digest=before).exclude(
                digest__in=Organisation.objects.values("logo_digest")
            ).delete()

    def lock(self) -> Organisation:
        """The organisation's row, locked until the transaction ends: changes to its team
        take turns, so that two at once cannot remove both of its last two owners."""
        return Organisation.objects.select_for_update().get(pk=self.pk)


class Logo(models.Model):
    """An uploaded logo, re-encoded as PNG (postings/logos.py): the source of the files the
    site serves in a few sizes. Kept here, not only in the media storage, so that backups
    hold it and a restore can write the files again."""

    digest = models.CharField(max_length=32, unique=True, help_text="The PNG's content digest.")
    image = models.BinaryField(help_text="PNG, at most LOGO_SOURCE_SIZE pixels a side.")
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"Logo {self.digest} ({self.width}×{self.height})"


class LastOwner(ValidationError):
    """The change would leave the organisation without an owner."""


class Membership(models.Model):
    """A user's place in one organisation."""

    class Access(models.TextChoices):
        OWNER = "owner", "Owner"
        RECRUITER = "recruiter", "Recruiter"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    access = models.CharField(
        max_length=20,
        choices=Access.choices,
        default=Access.RECRUITER,
        help_text="Owners also invite recruiters; recruiters manage the postings.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    invitation = models.OneToOneField(
        "Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="membership",
        help_text="The invitation this membership came from: one membership per invitation.",
    )

    class Meta:
        ordering = ["organisation", "user", "pk"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_access_display()}, {self.organisation})"

    @property
    def is_owner(self) -> bool:
        return self.access == self.Access.OWNER

    def change_access(self, access: str) -> None:
        """Give the member `access`; never demotes the organisation's last owner. Changes
        to one team take turns (Organisation.lock), so two owners demoting each other at
        once leave one of them an owner."""
        with transaction.atomic():
            organisation = self.organisation.lock()
            stored = Membership.objects.filter(pk=self.pk).first()
            if stored is None:
                raise ValidationError("This person is no longer a member.")
            if stored.is_owner and access != self.Access.OWNER:
                self._require_another_owner(organisation, "change the access of")
            Membership.objects.filter(pk=self.pk).update(access=access)
            self.access = access
            organisation.refresh_domain_verification()

    def remove(self) -> None:
        """Take the member out of the organisation; never its last owner."""
        with transaction.atomic():
            organisation = self.organisation.lock()
            stored = Membership.objects.filter(pk=self.pk).first()
            if stored is None:
                raise AlreadyDone("This person is no longer a member.")
            if stored.is_owner:
                self._require_another_owner(organisation, "remove")
            stored.delete()
            organisation.refresh_domain_verification()

    def _require_another_owner(self, organisation: Organisation, doing: str) -> None:
        others = organisation.memberships.filter(access=self.Access.OWNER).exclude(pk=self.pk)
        if not others.exists():
            raise LastOwner(
                f"You cannot {doing} the last owner of {organisation.name}: make someone "
                "else an owner first."
            )


class Invitation(models.Model):
    """An owner's invitation for someone to join the organisation as a recruiter."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        default=timezone.now, help_text="When the latest mail with its link was sent."
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"

    def revoke(self) -> bool:
        """Withdraw the invitation, its link with it; False if it was accepted (or withdrawn)
        meanwhile."""
        deleted, _ = Invitation.objects.filter(pk=self.pk, accepted_at__isnull=True).delete()
        return bool(deleted)

    def is_for(self, user: User) -> bool:
        """Whether `user`'s address is the invited one: the link went to that address."""
        return user.email.strip().lower() == self.email.strip().lower()

    def mark_accepted(self) -> bool:
        """Mark the invitation used; False if another request used it first. The UPDATE's row
        count decides, so of simultaneous accepts exactly one wins."""
        return bool(
            Invitation.objects.filter(pk=self.pk, accepted_at__isnull=True).update(
                accepted_at=timezone.now()
            )
        )


class EmailVerificationQuerySet(models.QuerySet):
    def pending(self) -> EmailVerificationQuerySet:
        return self.filter(verified_at__isnull=True)


class EmailVerification(models.Model):
    """Sign-up's question whether a new account's owner receives mail at its address.

    Only sign-up asks it: accounts made by staff (admin, createsuperuser, seed data) are
    vouched for, and an accepted invitation or a completed password reset answers it, since
    their links went to the address.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_verification"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty until the link in the verification mail is used."
    )

    objects = EmailVerificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        state = "verified" if self.verified_at else "pending"
        return f"{self.user} ({state})"

    @staticmethod
    def is_verified(user: User) -> bool:
        """Whether the user may act on the site's behalf in mail: publish, invite."""
        return not EmailVerification.objects.pending().filter(user=user).exists()

    @staticmethod
    def verify(user: User) -> bool:
        """Mark the user's address verified; False if it was already (a used link). An
        organisation the user owns may be domain verified from now on."""
        verified = bool(
            EmailVerification.objects.pending().filter(user=user).update(verified_at=timezone.now())
        )
        if verified:
            owned = Organisation.objects.filter(
                memberships__user=user, memberships__access=Membership.Access.OWNER
            )
            for organisation in owned:
                organisation.refresh_domain_verification()
        return verified


class MailQuotaQuerySet(models.QuerySet):
    def take(self, limits: list[MailLimit]) -> bool:
        """Count one mail against every limit, or against none if any limit is reached.

        Each counter moves by a conditional UPDATE (count < limit), atomic on SQLite and
        PostgreSQL alike, so every process and thread sees the same counts; a refused limit
        rolls back the others taken in the same call.
        """
        now = timezone.now()
        with transaction.atomic():
            # In a fixed order, so two requests never wait on each other's rows.
            for limit in sorted(limits):
                if not self._take_one(limit, now):
                    transaction.set_rollback(True)
                    return False
        return True

    def _take_one(self, limit: MailLimit, now: datetime) -> bool:
        window_start = limit.window_start(now)
        counter = self.filter(key=limit.key, window_start=window_start, count__lt=limit.most)
        if counter.update(count=F("count") + 1):
            return True
        if self.filter(key=limit.key, window_start=window_start).exists():
            return False
        try:
            with transaction.atomic():
                self.create(key=limit.key, window_start=window_start, count=1)
        except IntegrityError:
            # Another request opened this window first: count against its row.
            return bool(counter.update(count=F("count") + 1))
        # A new window: forget the finished ones.
        self.filter(window_start__lt=now - timedelta(days=2)).delete()
        return True


class MailLimit(NamedTuple):
    """At most `most` mails per `window` for one key, e.g. ("address:ada@example.com", 3, 1h)."""

    key: str
    most: int
    window: timedelta

    def window_start(self, now: datetime) -> datetime:
        seconds = int(self.window.total_seconds())
        return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)


class MailQuota(models.Model):
    """How many account mails (verification, reset, invitation) one address, account or
    client has been sent in one fixed window: the store the mail limits count in."""

    key = models.CharField(max_length=300)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    objects = MailQuotaQuerySet.as_manager()

    class Meta:
        ordering = ["-window_start", "key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="postings_mailquota_one_counter_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="postings_mailquota_window")]

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"
    CONTRACT = "contract", "Contract"
    TEMPORARY = "temporary", "Temporary"
    INTERNSHIP = "internship", "Internship"


class Workplace(models.TextChoices):
    ON_SITE = "on_site", "On-site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class SalaryPeriod(models.TextChoices):
    HOUR = "hour", "per hour"
    DAY = "day", "per day"
    WEEK = "week", "per week"
    MONTH = "month", "per month"
    YEAR = "year", "per year"


# Full-time equivalents, to compare salaries quoted per hour, day, week or month.
PERIODS_PER_YEAR: dict[str, int] = {
    SalaryPeriod.HOUR: 2080,
    SalaryPeriod.DAY: 260,
    SalaryPeriod.WEEK: 52,
    SalaryPeriod.MONTH: 12,
    SalaryPeriod.YEAR: 1,
}
# What a posting's salary is written as, and the figures derived from it (annualise_salary):
# a write of the first without the second fills the second (save(), the bulk paths).
SALARY_INPUTS = frozenset({"salary_min", "salary_max", "salary_currency", "salary_period"})
SALARY_FIGURES = ("salary_min_annual", "salary_max_annual", "salary_top_eur")
# Posting.salary_top_eur of a salary that cannot be compared, below every converted one: in
# a currency the ECB gives no rate for, then none at all.
UNRATED_SALARY = Decimal(-1)
NO_SALARY = Decimal(-2)
# How many postings reconverting reads and writes at a time.
REFIGURE_BATCH = 1000


# The columns whose words the search's vocabulary learns (postings/vocabulary.py) when they
# are written: the place, and the status that makes a posting's words count.
VOCABULARY_FIELDS = PLACE_FIELDS | {"status"}
# The columns a posting's RenderedDescription is made from: its rendering from the first,
# its feed copy from all three.
RENDERED_FROM = ("description", "responsibilities", "qualifications")
# The rows whose last edit dates a posting's page: the posting, its organisation and its
# role. Its Last-Modified is the latest, and so is the sitemap's lastmod; its stored JSON-LD
# is good while all three are as when it was made (postings/jsonld.py).
PAGE_DATES = ("updated_at", "organisation__updated_at", "role__updated_at")


def open_q(now: datetime) -> Q:
    """The one rule for a posting the public may find: published, live and not expired."""
    return (
        Q(status=Posting.Status.PUBLISHED)
        & Q(published_at__lte=now)
        & (Q(valid_through__isnull=True) | Q(valid_through__gt=now))
        & Q(organisation__is_suspended=False)
    )


class PostingQuerySet(InvalidatingQuerySet):
    # The writes that skip save() store the rendered description, the place keys and the
    # salary figures themselves.
    def bulk_create(self, objs: Iterable[Posting], *args: Any, **kwargs: Any) -> list[Posting]:
        objs = list(objs)
        for posting in objs:
            posting.fill_place_keys()
            posting.annualise_salary()
        if kwargs.get("update_fields"):
            kwargs["update_fields"] = with_derived_columns(kwargs["update_fields"])
        postings = super().bulk_create(objs, *args, **kwargs)
        # As stored: with ignore_conflicts no ids come back, and a row that was there
        # already keeps its own description (unless update_conflicts rewrote it).
        written = Q(pk__in=[posting.pk for posting in postings if posting.pk is not None])
        written |= Q(slug__in=[posting.slug for posting in postings if posting.pk is None])
        if not set(RENDERED_FROM).isdisjoint(kwargs.get("update_fields") or ()):
            RenderedDescription.objects.filter(
                posting__in=self.model.objects.filter(written)
            ).delete()
        from postings import vocabulary

        vocabulary.note_places(postings, using=self.db)
        unrendered = self.model.objects.filter(written, rendered__isnull=True)
        renderings = []
        for pk, description, *lists in unrendered.values_list("pk", *RENDERED_FROM):
            rendered = rendered_description(description)
            feed = feed_copy_columns(rendered["html"], *lists)
            renderings.append(RenderedDescription(posting_id=pk, **rendered, **feed))
        RenderedDescription.objects.bulk_create(renderings)
        return postings

    def bulk_update(
        self, objs: Iterable[Posting], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs, fields = list(objs), list(fields)
        if PLACE_FIELDS & set(fields):
            for posting in objs:
                posting.fill_place_keys()
        if SALARY_INPUTS.intersection(fields):
            for posting in objs:
                posting.annualise_salary()
        return super().bulk_update(objs, with_derived_columns(fields), batch_size=batch_size)

    def update(self, **kwargs: Any) -> int:
        # Derived columns given beside their sources are taken as given (bulk_update's).
        places = not PLACE_FIELDS.isdisjoint(kwargs) and "city_key" not in kwargs
        salaries = bool(SALARY_INPUTS.intersection(kwargs)) and not set(SALARY_FIGURES) <= set(
            kwargs
        )
        learned = not VOCABULARY_FIELDS.isdisjoint(kwargs)
        if not (places or salaries or learned):
            return self._update_texts(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = self._update_texts(**kwargs)
            # The new values may be expressions: derived again from the rows as stored.
            written = self.model.objects.using(self.db).filter(pk__in=pks)
            if places:
                written.fill_place_keys()
            if salaries:
                written.refigure_salaries()
            if learned:
                from postings import vocabulary

                vocabulary.note_places(written.only(*VOCABULARY_FIELDS), using=self.db)
        return count

    def fill_place_keys(self) -> None:
        """Derive the place keys of these postings again from their place as stored: one
        query to read, one write per place."""
        by_keys: dict[tuple[str, str], list[int]] = {}
        for pk, city, region, country in self.values_list("pk", "city", "region", "country"):
            by_keys.setdefault(places.posting_keys(city, region, country), []).append(pk)
        for (city_key, region_key), pks in by_keys.items():
            self.model.objects.filter(pk__in=pks).update(city_key=city_key, region_key=region_key)

    def _update_texts(self, **kwargs: Any) -> int:
        if "description" not in kwargs:
            return super().update(**kwargs)
        description = kwargs["description"]
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            RenderedDescription.objects.filter(posting__in=pks).delete()
            # An expression's value (an F(), bulk_update's Case) is the database's to know:
            # those postings render when shown, until their next save.
            if isinstance(description, str):
                rendered = rendered_description(description)
                RenderedDescription.objects.bulk_create(
                    [RenderedDescription(posting_id=pk, **rendered) for pk in pks]
                )
        return count

    def refigure_salaries(self) -> int:
        """Fill these postings' yearly and compared salary figures from their stored
        salaries, in batches by id; rows whose figures are right are left alone. Returns how
        many rows changed."""
        changed, last = 0, 0
        columns = (*SALARY_INPUTS, *SALARY_FIGURES)
        while batch := list(
            self.filter(pk__gt=last).order_by("pk").only(*columns)[:REFIGURE_BATCH]
        ):
            last = batch[-1].pk
            stale = []
            for posting in batch:
                stored = [getattr(posting, name) for name in SALARY_FIGURES]
                posting.annualise_salary()
                if stored != [getattr(posting, name) for name in SALARY_FIGURES]:
                    stale.append(posting)
            self.model.objects.using(self.db).bulk_update(stale, SALARY_FIGURES)
            changed += len(stale)
        return changed

    def public(self) -> PostingQuerySet:
        """What the public may find: in lists, search, feeds, the sitemap and JSON-LD."""
        return self.filter(open_q(timezone.now()))

    def reachable(self) -> PostingQuerySet:
        """What a posting's own URL may show: open postings, and once-published ones that
        have expired or closed (shown with a notice). `is_open` says which."""
        now = timezone.now()
        return self.filter(
            status__in=[Posting.Status.PUBLISHED, Posting.Status.CLOSED],
            # Scheduled for later: nothing about it is public yet.
            published_at__lte=now,
            organisation__is_suspended=False,
        ).annotate(is_open=ExpressionWrapper(open_q(now), output_field=models.BooleanField()))

    def awaiting_review(self) -> PostingQuerySet:
        """What staff have to look at: drafts submitted for review, and changes to published
        or closed postings that their recruiters submitted (and staff have not sent back)."""
        return self.filter(
            Q(status=Posting.Status.IN_REVIEW)
            | (
                Q(status__in=Posting.APPROVED_STATUSES)
                & ~Q(pending_changes={})
                & Q(rejection_reason="")
            )
        )

    def for_role(self, role: Role) -> PostingQuerySet:
        return self.filter(role=role)

    def for_organisation(self, organisation: Organisation) -> PostingQuerySet:
        return self.filter(organisation=organisation)

    def newest_first(self) -> PostingQuerySet:
        return self.order_by("-published_at", "-pk")


class Posting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="postings"
    )
    role = models.ForeignKey(
        Role,
        on_delete=models.PROTECT,
        related_name="postings",
        help_text="The role this posting is for; its explainer is linked from the posting.",
    )
    title = models.CharField(max_length=POSTING_TEXT_LIMITS["title"].length)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(help_text="Markdown. Sanitised when shown.")
    # Derived from the description as shown (cut at its limit) whenever it is written: the
    # page, JSON-LD and feeds show these, so Markdown runs once per edit rather than on every
    # page. Null, unlike "", is "not rendered": a row written around the model (in SQL) is
    # rendered when shown.
    responsibilities = models.TextField(blank=True, help_text="One per line.")
    qualifications = models.TextField(blank=True, help_text="One per line.")
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    workplace = models.CharField(
        max_length=20, choices=Workplace.choices, default=Workplace.ON_SITE
    )
    city = models.CharField(max_length=POSTING_TEXT_LIMITS["city"].length, blank=True)
    region = models.CharField(
        max_length=POSTING_TEXT_LIMITS["region"].length,
        blank=True,
        help_text="State, county or province.",
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[iso_country],
        help_text="Where the job is based: ISO 3166-1 alpha-2, e.g. GB.",
    )
    postal_code = models.CharField(
        max_length=POSTING_TEXT_LIMITS["postal_code"].length,
        blank=True,
        help_text="The workplace's postal or ZIP code, as the post writes it (e.g. M1 1AE).",
    )
    remote_regions = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_region_list],
        help_text="For remote work: the regions applicants may live in, by key, separated by "
        "spaces (worldwide, europe, european-union…; postings/regions.py).",
    )
    remote_countries = models.CharField(
        max_length=POSTING_TEXT_LIMITS["remote_countries"].length,
        blank=True,
        validators=[iso_country_list],
        help_text="For remote work: the countries applicants may live in, as ISO codes "
        "separated by spaces (e.g. GB IE): those chosen, and those of the regions. Empty "
        "means anywhere.",
    )
    salary_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    salary_currency = models.CharField(
        max_length=3, blank=True, validators=[iso_currency], help_text="ISO 4217, e.g. USD."
    )
    salary_period = models.CharField(
        max_length=10, choices=SalaryPeriod.choices, blank=True, default=SalaryPeriod.YEAR
    )
    # Derived in save() and the bulk writes (fill_place_keys): the city and region as keys
    # that every spelling of the place shares ("München" and "Munich" are "munich"), which
    # the location filter matches (postings/places.py).
    city_key = models.CharField(max_length=100, blank=True, editable=False)
    region_key = models.CharField(max_length=100, blank=True, editable=False)
    # Derived in save(): the salary range as a yearly amount, so that ranges quoted per
    # hour, day or month compare with yearly ones.
    salary_min_annual = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    salary_max_annual = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    # Derived in save() and the bulk paths: what "Highest salary first" and a minimum salary
    # compare across currencies, the yearly top of the range in euros at the ECB's rates
    # (postings/currencies.py); UNRATED_SALARY for a currency without a rate, NO_SALARY for
    # none, so that one plain descending index orders all three. Nullable only so that
    # adding it did not rebuild the table on SQLite (which drops the search triggers); the
    # site writes no NULL, and a row written around the model gets NO_SALARY.
    salary_top_eur = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        db_default=Value(NO_SALARY),
        help_text="Filled from the salary; `manage.py reconvert_salaries` after a rates update.",
    )
    apply_url = models.URLField(max_length=POSTING_TEXT_LIMITS["apply_url"].length, blank=True)
    apply_email = models.EmailField(
        max_length=POSTING_TEXT_LIMITS["apply_email"].length, blank=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    valid_through = models.DateTimeField(
        null=True, blank=True, help_text="After this moment the posting is expired."
    )
    rejection_reason = models.TextField(
        blank=True, help_text="Why staff sent the posting back; shown to its recruiters."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The columns above are what the public may see. When staff review postings, a
    # recruiter's edit of a published or closed posting waits here instead, so that search,
    # feeds, the sitemap and the page itself keep the approved text until staff approve it.
    pending_changes = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="A recruiter's change waiting for review: field names mapped to new values.",
    )
    creation_token = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="The new-posting form's one-time token: a form sent twice makes one draft.",
    )
    revision = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up with every change. An approval names the revision staff saw, and "
        "is refused if the posting has changed since.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostingQuerySet.as_manager()

    # What recruiters write and, when their postings need review, staff approve.
    REVIEWED_FIELDS = (
        "role",
        "title",
        "description",
        "responsibilities",
        "qualifications",
        "employment_type",
        "workplace",
        "city",
        "region",
        "postal_code",
        "country",
        "remote_regions",
        "remote_countries",
        "salary_min",
        "salary_max",
        "salary_currency",
        "salary_period",
        "apply_url",
        "apply_email",
        "valid_through",
    )
    # What a duplicate copies: the content, not when it is valid until.
    COPIED_FIELDS = tuple(name for name in REVIEWED_FIELDS if name != "valid_through")
    # Once approved, a posting's columns are public text (its page stays reachable when closed).
    APPROVED_STATUSES = ("published", "closed")

    # Set on the postings `reachable()` finds: whether the public may find it too.
    is_open: bool
    # Set on a search's results when it compares salaries: the currency they are read in,
    # which a result line converts the salary into (postings.display.result_line).
    reading_currency: str

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=unless_either_unset("salary_min", "lte", "salary_max"),
                name="%(app_label)s_%(class)s_salary_range",
            ),
            models.CheckConstraint(
                condition=(Q(salary_min__isnull=True) | Q(salary_min__gte=0))
                & (Q(salary_max__isnull=True) | Q(salary_max__gte=0)),
                name="%(app_label)s_%(class)s_salary_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(salary_min__isnull=True) & Q(salary_max__isnull=True))
                | (~Q(salary_currency="") & ~Q(salary_period="")),
                name="%(app_label)s_%(class)s_salary_has_currency",
            ),
            models.CheckConstraint(
                condition=unless_either_unset("valid_through", "gt", "published_at"),
                name="%(app_label)s_%(class)s_valid_through_after_published",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(apply_url="") | ~Q(apply_email=""),
                name="%(app_label)s_%(class)s_has_apply_route",
            ),
            models.UniqueConstraint(
                fields=["organisation", "creation_token"],
                condition=~Q(creation_token=""),
                name="%(app_label)s_%(class)s_one_draft_per_form",
            ),
        ]
        # The published-only indexes below end with `status` although their condition
        # fixes it: Django sends the status as a bound parameter, which SQLite cannot match
        # to the condition, so without the column it reads every row to check it (a count
        # took 29 ms instead of 9 at 10,000 postings, and grew with the rows' width).
        indexes = [
            # The public list: open postings, newest first. With the filters' columns, so
            # that walking it to the first page of a filtered search reads no rows it skips
            # (SQLite; PostgreSQL reads the row either way).
            models.Index(
                fields=[
                    "-published_at",
                    "-id",
                    "valid_through",
                    "organisation",
                    *FACET_COLUMNS,
                    "status",
                ],
                condition=Q(status="published"),
                name="postings_published_newest",
            ),
            models.Index(fields=["organisation", "status"], name="postings_org_status"),
            # Search counts and facets (postings.facets.groups) read only the index: the
            # columns of "open", then the facets'.
            models.Index(
                fields=["published_at", "valid_through", "organisation", *FACET_COLUMNS, "status"],
                condition=Q(status="published"),
                name="postings_published_facets",
            ),
            # A role's open postings, newest first: explainers and "similar jobs".
            models.Index(
                fields=["role", "-published_at", "-id"],
                # On PostgreSQL, the rest of "open" and the yearly salaries too: a role's open
                # postings and their salary ranges by kind of job (explainer) come from the
                # index alone (1.3 ms for 2,500 Chief Operating Officers at 100,000 postings,
                # against 6.7 reading their rows).
                include=[
                    "valid_through",
                    "organisation",
                    "salary_currency",
                    "salary_min_annual",
                    "salary_max_annual",
                    "employment_type",
                ],
                condition=Q(status="published"),
                name="postings_role_newest",
            ),
            # The location filter: open postings in a city or a region, newest first.
            models.Index(
                fields=["city_key", "-published_at", "-id", "status"],
                condition=Q(status="published"),
                name="postings_city_newest",
            ),
            models.Index(
                fields=["region_key", "-published_at", "-id", "status"],
                condition=Q(status="published"),
                name="postings_region_newest",
            ),
            # Similar jobs: a role's open postings in one country, newest first, by workplace.
            models.Index(
                fields=["role", "country", "-published_at", "-id", "workplace", "status"],
                condition=Q(status="published"),
                name="postings_role_country_newest",
            ),
            # Estimated search counts: a published sample, with the facets' columns.
            models.Index(
                SAMPLE_BUCKET,
                *(F(column) for column in ("published_at", "valid_through", "organisation")),
                *(F(column) for column in FACET_COLUMNS),
                F("status"),
                condition=Q(status="published"),
                name="postings_published_sample",
            ),
            # The same sample within a city or a region: how many postings a place holds,
            # and the sample a search in it is estimated from (postings.facets.located).
            models.Index(
                F("city_key"),
                SAMPLE_BUCKET,
                F("status"),
                condition=Q(status="published"),
                name="postings_city_sample",
            ),
            models.Index(
                F("region_key"),
                SAMPLE_BUCKET,
                F("status"),
                condition=Q(status="published"),
                name="postings_region_sample",
            ),
            # Search sorted by salary: the yearly top of the range in euros, highest first,
            # then the salaries without a rate, then none. A plain column, not an expression:
            # SQLite uses an index on an expression only for the very same SQL, and Django
            # sends an expression's constants (a Coalesce's -1) as parameters, so the index
            # this replaces was never read there.
            models.Index(
                fields=[
                    "-salary_top_eur",
                    "-published_at",
                    "-id",
                    "valid_through",
                    "organisation",
                    "status",
                ],
                condition=Q(status="published"),
                name="postings_published_salary",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.annualise_salary()
        self.fill_place_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = update_fields = with_derived_columns(update_fields)
        with transaction.atomic():
            if self.slug:
                super().save(*args, **kwargs)
            else:
                text = f"{self.title} {self.organisation.name}"
                save_with_free_slug(self, text, super().save, *args, **kwargs)
            if update_fields is None or not set(RENDERED_FROM).isdisjoint(update_fields):
                rendered = rendered_description(self.description)
                feed = feed_copy_columns(
                    rendered["html"], self.responsibilities, self.qualifications
                )
                self.rendered = RenderedDescription(posting=self, **rendered, **feed)
                self.rendered.save()
            if update_fields is None or VOCABULARY_FIELDS.intersection(update_fields):
                from postings import vocabulary

                vocabulary.note_places([self], using=self._state.db or "default")

    def get_absolute_url(self) -> str:
        return row_path("postings:posting_detail", self.slug)

    def page_dates(self) -> list[datetime]:
        """The dates of PAGE_DATES: load the posting with its organisation and role."""
        return [cast(datetime, reduce(getattr, path.split("__"), self)) for path in PAGE_DATES]

    def fill_place_keys(self) -> None:
        """Fill the place keys from the city, region and country as written."""
        self.city_key, self.region_key = places.posting_keys(self.city, self.region, self.country)

    def annualise_salary(self) -> None:
        """Fill the yearly salary figures from the quoted range and period."""
        per_year = PERIODS_PER_YEAR.get(self.salary_period)
        self.salary_min_annual = annual(self.salary_min, per_year)
        self.salary_max_annual = annual(self.salary_max, per_year)
        self.salary_top_eur = compared_salary(
            self.salary_max_annual
            if self.salary_max_annual is not None
            else self.salary_min_annual,
            self.salary_currency,
        )

    # What the public sees of the long texts: cut at their limits, so that no stored text
    # makes a page, a feed or JSON-LD slow or large, however long it is.

    @property
    def shown_description(self) -> str:
        return POSTING_TEXT_LIMITS["description"].cut(self.description)

    @property
    def description_rendering(self) -> RenderedDescription:
        """The description as stored when it was written (the pages that show it join it);
        rendered now for a row written around the model."""
        try:
            return self.rendered
        except RenderedDescription.DoesNotExist:
            return RenderedDescription(**rendered_description(self.description))

    @property
    def shown_description_html(self) -> SafeString:
        return mark_safe(self.description_rendering.html)  # noqa: S308 - sanitised when rendered

    @property
    def shown_description_text(self) -> str:
        return self.description_rendering.text

    @property
    def responsibility_list(self) -> list[str]:
        return shown_list(POSTING_TEXT_LIMITS["responsibilities"].cut(self.responsibilities))

    @property
    def qualification_list(self) -> list[str]:
        return shown_list(POSTING_TEXT_LIMITS["qualifications"].cut(self.qualifications))

    @property
    def texts_over_limits(self) -> list[str]:
        """For its recruiters: what of the stored text the public does not see, and why."""
        notices = []
        for name, limit in POSTING_TEXT_LIMITS.items():
            if not limit.fits(getattr(self, name)):
                them = "them" if limit.plural else "it"
                notices.append(
                    f"{limit.noun.capitalize()} {'are' if limit.plural else 'is'} longer than "
                    f"{limit.length:,} characters: the public sees only the first "
                    f"{limit.length:,}. Shorten {them}."
                )
        for name in ("responsibilities", "qualifications"):
            noun = POSTING_TEXT_LIMITS[name].noun
            items = list_items(getattr(self, name))
            if len(items) > LIST_ITEMS:
                notices.append(
                    f"{noun.capitalize()} have {len(items):,} lines: the public sees only the "
                    f"first {LIST_ITEMS}. Merge or remove some."
                )
            long_items = sum(len(item) > LIST_ITEM_LENGTH for item in items[:LIST_ITEMS])
            if long_items:
                notices.append(
                    f"{long_items} of {noun} {'is' if long_items == 1 else 'are'} longer than "
                    f"{LIST_ITEM_LENGTH} characters: the public sees only the first "
                    f"{LIST_ITEM_LENGTH} of each. Shorten {'it' if long_items == 1 else 'them'}."
                )
        return notices

    @property
    def remote_country_list(self) -> list[str]:
        return self.remote_countries.split()

    @property
    def remote_region_list(self) -> list[str]:
        return self.remote_regions.split()

    @property
    def is_open_worldwide(self) -> bool:
        """Remote, and open to applicants anywhere: chosen so, or no countries named (as
        the search reads a remote posting without a list)."""
        return self.is_remote and (
            regions.WORLDWIDE in self.remote_region_list or not self.remote_countries.strip()
        )

    @property
    def applicant_countries(self) -> list[str]:
        """A remote job's applicants' countries, every one named ("Worldwide" is all of
        them): for those who read countries only (JSON-LD, aggregators). [] if not remote."""
        if not self.is_remote:
            return []
        if self.is_open_worldwide:
            return sorted(regions.all_countries())
        return self.remote_country_list

    @property
    def has_salary(self) -> bool:
        return self.salary_min is not None or self.salary_max is not None

    # Where a posting stands, for the recruiters' pages: which actions it offers.

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_remote(self) -> bool:
        return self.workplace == Workplace.REMOTE

    @property
    def is_in_review(self) -> bool:
        return self.status == self.Status.IN_REVIEW

    @property
    def is_expired(self) -> bool:
        """Published, but past its valid-through date: off the public site until extended."""
        return (
            self.status == self.Status.PUBLISHED
            and self.valid_through is not None
            and self.valid_through <= timezone.now()
        )

    @property
    def is_live(self) -> bool:
        """Published and not expired: its page is the public one, not a notice."""
        return self.status == self.Status.PUBLISHED and not self.is_expired

    @property
    def can_publish(self) -> bool:
        return self.is_draft

    @property
    def can_close(self) -> bool:
        return self.status == self.Status.PUBLISHED

    can_extend = can_close

    @property
    def can_reopen(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def has_pending_change(self) -> bool:
        """A recruiter's edit of this published or closed posting is waiting (or was sent back)."""
        return bool(self.pending_changes)

    @property
    def change_awaits_review(self) -> bool:
        return self.has_pending_change and not self.rejection_reason

    @property
    def awaits_review(self) -> bool:
        """Staff have something of it to decide on: the new posting, or a change to it."""
        return self.is_in_review or self.change_awaits_review

    def pending_diff(self) -> dict[str, list[str]]:
        """The change waiting for review: each field's [approved, proposed] text."""
        return self._changes(self.proposed(), self.pending_changes)

    def proposed(self) -> Posting:
        """The posting as its recruiters last wrote it: the approved columns with the change
        waiting for review on top. What the manage page edits and the preview shows; never
        saved as it is."""
        if not self.pending_changes:
            return self
        proposal = copy.copy(self)
        for name, value in self.pending_changes.items():
            field = self.column(name)
            # Assigning the id drops a cached related object that no longer matches.
            setattr(proposal, field.attname, None if value is None else field.to_python(value))
        proposal.annualise_salary()
        # Rendered, not saved: the stored rendering is the approved text's.
        proposal.rendered = RenderedDescription(**rendered_description(proposal.description))
        return proposal

    @classmethod
    def column(cls, name: str) -> models.Field:
        """The field of a column, by name: every name the state methods use is one."""
        field = cls._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{name} names a relation to Posting, not a column of it.")
        return field

    def field_text(self, name: str) -> str:
        """A field's value as the posting's history shows it."""
        field = self.column(name)
        if field.is_relation:
            return str(getattr(self, name)) if getattr(self, field.attname) is not None else ""
        value = getattr(self, name)
        if isinstance(value, Decimal):
            # As stored: 60000 and 60000.00 are the same salary.
            value = value.quantize(Decimal("0.01"))
        return _as_text(value)

    def _differs(self, other: Posting, name: str) -> bool:
        attname = self.column(name).attname
        return getattr(self, attname) != getattr(other, attname)

    def _changes(self, after: Posting, names: Iterable[str]) -> dict[str, list[str]]:
        return {
            name: [self.field_text(name), after.field_text(name)]
            for name in names
            if self._differs(after, name)
        }

    # --- State changes. Each one saves and records a PostingEvent in one transaction. ---
    #
    # Each reads the posting's row afresh under a lock (SELECT ... FOR UPDATE on PostgreSQL;
    # on SQLite an IMMEDIATE transaction holds the database's write lock from its start) and
    # checks the state it starts from there, not on the object the request loaded: two
    # clicks at once then take turns, and the second finds the change made already.

    DEFAULT_VALIDITY = timedelta(days=60)

    def record(
        self,
        action: str,
        *,
        by: User | None,
        changes: dict | None = None,
        note: str = "",
    ) -> PostingEvent:
        """Add an entry to the posting's history."""
        return PostingEvent.objects.create(
            posting=self, actor=by, action=action, changes=changes or {}, note=note
        )

    def _locked(
        self,
        *allowed: str,
        doing: str = "",
        done: Iterable[str] = (),
        revision: int | None = None,
    ) -> Posting:
        """The posting's row as committed now, locked until the transaction ends, checked to
        be in one of the `allowed` states and at `revision` when given."""
        posting = Posting.objects.select_for_update(of=("self",)).get(pk=self.pk)
        if allowed:
            posting._require_status(*allowed, doing=doing, done=done)
        if revision is not None:
            posting._require_revision(revision)
        return posting

    def _require_revision(self, revision: int) -> None:
        if self.revision != revision:
            raise PostingChanged(
                "This posting has changed since the page was loaded (perhaps by a second "
                "click), so nothing more was done. Check it and try again if needed."
            )

    def _take(self, stored: Posting) -> None:
        """Become the row `stored` holds, after a change saved through it."""
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(stored, field.attname))

    def _save_text(self, changes: Iterable[str]) -> None:
        """Save the `changes` as the public text, with nothing left waiting for review."""
        self.pending_changes = {}
        self._save_state(*changes, *SALARY_FIGURES, "pending_changes")

    def _save_state(self, *names: str) -> None:
        self.revision += 1
        self.save(update_fields=[*names, "revision", "updated_at"])

    def _require_status(self, *allowed: str, doing: str, done: Iterable[str] = ()) -> None:
        if self.status in done:
            raise AlreadyDone(f"This posting is {self.get_status_display().lower()} already.")
        if self.status not in allowed:
            names = " or ".join(str(self.Status(status).label).lower() for status in allowed)
            raise ValidationError(
                f"Only a posting that is {names} can be {doing}; "
                f"this one is {self.get_status_display().lower()}."
            )

    def create(self, *, by: User | None, note: str = "", token: str = "") -> None:
        """Save a new posting as a draft and record who created it. With the `token` of the
        form that asked for it, a second submit of that form raises AlreadyCreated."""
        self.creation_token = token
        try:
            self._create(by=by, note=note)
        except IntegrityError:
            first = (
                token
                and Posting.objects.filter(
                    organisation_id=self.organisation_id, creation_token=token
                ).first()
            )
            if not first:
                raise
            raise AlreadyCreated(first) from None

    def _create(self, *, by: User | None, note: str) -> None:
        with transaction.atomic():
            self.status = self.Status.DRAFT
            self.published_at = None
            self.created_by = by
            self.save()
            self.record(PostingEvent.Action.CREATED, by=by, note=note)

    def edit(
        self,
        *,
        by: User | None,
        fields: Iterable[str] = REVIEWED_FIELDS,
        require_review: bool | None = None,
    ) -> None:
        """Save the `fields` this object holds edited values of (a form's `changed_data`).

        When staff review the organisation's postings (Organisation.postings_need_review),
        an edit of a published or closed posting waits for their approval in
        `pending_changes`, and the public keeps seeing the approved columns. Other postings
        (drafts, postings in review) and edits without review save at once."""
        if require_review is None:
            require_review = self.organisation.postings_need_review()
        fields = list(fields)
        with transaction.atomic():
            stored = self._locked()
            before = stored.proposed()
            after = self._values_on(before, fields)
            changes = before._changes(after, fields)
            if require_review and stored.status in self.APPROVED_STATUSES:
                if changes:
                    stored._propose(after, by=by, changes=changes)
                self._take(stored)
                return
            # Saved at once, with any change that was waiting (review is no longer required).
            changes = stored._changes(after, dict.fromkeys([*stored.pending_changes, *fields]))
            if changes or stored.pending_changes:
                after._save_text(changes)
                if changes:
                    after.record(PostingEvent.Action.EDITED, by=by, changes=changes)
            self._take(after)

    def edit_approved(self, *, by: User | None, fields: Iterable[str]) -> None:
        """Staff's edit in the admin, where the form holds the approved columns: the
        `fields` they changed are public at once, and a recruiter's change waiting for
        review stays waiting (staff approve or send it back on its own)."""
        fields = list(fields)
        with transaction.atomic():
            stored = self._locked()
            after = self._values_on(stored, fields)
            changes = stored._changes(after, fields)
            if changes:
                after._save_state(*changes, *SALARY_FIGURES)
                after.record(PostingEvent.Action.EDITED, by=by, changes=changes)
            self._take(after)

    def _values_on(self, base: Posting, fields: Iterable[str]) -> Posting:
        """A copy of `base` holding this object's values of `fields`."""
        after = copy.copy(base)
        for name in fields:
            field = self.column(name)
            setattr(after, field.attname, getattr(self, field.attname))
            if isinstance(field, models.ForeignKey) and field.is_cached(self):
                field.set_cached_value(after, field.get_cached_value(self))
        return after

    def _propose(self, after: Posting, *, by: User | None, changes: dict) -> None:
        """Keep `after` as the change waiting for review, against the approved columns."""
        self.pending_changes = {
            name: _json_value(self.column(name), after)
            for name in self.REVIEWED_FIELDS
            if self._differs(after, name)
        }
        # A fresh submission: a reason staff gave for sending an earlier one back is answered.
        self.rejection_reason = ""
        self._save_state("pending_changes", "rejection_reason")
        withdrawn = "" if self.pending_changes else "Back to the approved version."
        self.record(PostingEvent.Action.EDITED, by=by, changes=changes, note=withdrawn)
        if self.pending_changes:
            self.record(
                PostingEvent.Action.SUBMITTED,
                by=by,
                note="Change submitted for review; the public sees the approved version.",
            )

    def publish(self, *, by: User | None, require_review: bool | None = None) -> None:
        """Publish a draft, or submit it for review when staff must approve the
        organisation's postings first (Organisation.postings_need_review)."""
        if require_review is None:
            require_review = self.organisation.postings_need_review()
        with transaction.atomic():
            posting = self._locked(
                self.Status.DRAFT,
                doing="published",
                done=[self.Status.PUBLISHED, self.Status.IN_REVIEW],
            )
            if require_review:
                posting.status = self.Status.IN_REVIEW
                posting.rejection_reason = ""
                posting._save_state("status", "rejection_reason")
                posting.record(PostingEvent.Action.SUBMITTED, by=by)
            else:
                posting._go_live(by=by, action=PostingEvent.Action.PUBLISHED)
        self._take(posting)

    def edit_and_publish(self, *, by: User | None, fields: Iterable[str]) -> None:
        """Save an edited draft and publish it (or submit it for review), or do neither."""
        with transaction.atomic():
            self.edit(by=by, fields=fields)
            self.publish(by=by)

    def approve(self, *, by: User | None, revision: int) -> None:
        """Staff accept what they reviewed at `revision`: a posting in review goes live, and a
        change to a published or closed posting becomes its public text. Refused if the
        posting has changed since staff saw it."""
        with transaction.atomic():
            posting = self._locked()
            if not posting.awaits_review:
                raise AlreadyDone(
                    f"Nothing of this posting waits for review: it is "
                    f"{posting.get_status_display().lower()}."
                )
            posting._require_revision(revision)
            held = Organisation.objects.held().filter(pk=posting.organisation_id).first()
            if held is not None:
                raise ValidationError(
                    f"{held.name} is held: its name is close to a verified employer's. Verify "
                    "the organisation or release the hold before approving its postings."
                )
            change = posting.status != self.Status.IN_REVIEW
            if change:
                posting._apply_pending(by=by)
            else:
                posting._go_live(by=by, action=PostingEvent.Action.APPROVED)
            # Its recruiters hear of the decision once it is committed.
            from postings import notifications  # here: it imports this module

            notifications.posting_reviewed(posting, approved=True, change=change)
        self._take(posting)

    def _apply_pending(self, *, by: User | None) -> None:
        approved = self.proposed()
        changes = self._changes(approved, self.pending_changes)
        approved._save_text(changes)
        approved.record(
            PostingEvent.Action.APPROVED,
            by=by,
            changes=changes,
            note="Change approved: the public sees it now.",
        )
        self._take(approved)

    def reject(self, *, by: User | None, reason: str) -> None:
        """Staff send back what waits for review, with the reason its recruiters see: a posting
        in review goes back to draft; a change to a public posting stays unapproved (and
        unpublished) for its recruiters to mend."""
        with transaction.atomic():
            posting = self._locked()
            if posting.status == self.Status.IN_REVIEW:
                posting.status = self.Status.DRAFT
                posting.rejection_reason = reason
                posting._save_state("status", "rejection_reason")
                posting.record(PostingEvent.Action.REJECTED, by=by, note=reason)
            elif posting.change_awaits_review:
                posting.rejection_reason = reason
                posting._save_state("rejection_reason")
                posting.record(
                    PostingEvent.Action.REJECTED, by=by, note=f"Change sent back: {reason}"
                )
            else:
                raise ValidationError(
                    f"Only a posting in review, or a change waiting for review, can be sent "
                    f"back; this one is {posting.get_status_display().lower()}."
                )
            from postings import notifications  # here: it imports this module

            notifications.posting_reviewed(
                posting, approved=False, change=posting.status != self.Status.DRAFT
            )
        self._take(posting)

    def _go_live(self, *, by: User | None, action: str) -> None:
        now = timezone.now()
        self.status = self.Status.PUBLISHED
        self.published_at = now
        self.rejection_reason = ""
        changes = self._renew_validity(now)
        self._save_state("status", "published_at", "valid_through", "rejection_reason")
        self.record(action, by=by, changes=changes)

    def _renew_validity(self, now: datetime) -> dict[str, list[str]]:
        """Going public with a valid-through date unset or past: a fresh one, DEFAULT_VALIDITY
        from `now`. Returns the change for the posting's history."""
        before = self.valid_through
        if before is None or before <= now:
            self.valid_through = now + self.DEFAULT_VALIDITY
            return {"valid_through": [_as_text(before), _as_text(self.valid_through)]}
        return {}

    def close(self, *, by: User | None, revision: int | None = None) -> None:
        """Take a published posting off the public site; it can be reopened."""
        with transaction.atomic():
            posting = self._locked(
                self.Status.PUBLISHED, doing="closed", done=[self.Status.CLOSED], revision=revision
            )
            posting.status = self.Status.CLOSED
            posting._save_state("status")
            posting.record(PostingEvent.Action.CLOSED, by=by)
        self._take(posting)

    def reopen(self, *, by: User | None, revision: int | None = None) -> None:
        """Publish a closed posting again, with a fresh valid-through date if it had passed.
        It reopens with its approved text: a change waiting for review keeps waiting."""
        with transaction.atomic():
            posting = self._locked(
                self.Status.CLOSED,
                doing="reopened",
                done=[self.Status.PUBLISHED],
                revision=revision,
            )
            posting.status = self.Status.PUBLISHED
            changes = posting._renew_validity(timezone.now())
            posting._save_state("status", "valid_through")
            posting.record(PostingEvent.Action.REOPENED, by=by, changes=changes)
        self._take(posting)

    def extend(
        self,
        *,
        by: User | None,
        days: int,
        revision: int | None = None,
        expiring: datetime | None = None,
    ) -> None:
        """Push the valid-through date `days` later, counting from now if it has passed.

        With `expiring`, only while the posting still expires at that moment: a reminder's
        link (postings.notifications) extends once, and never again after any extension."""
        now = timezone.now()
        with transaction.atomic():
            posting = self._locked(self.Status.PUBLISHED, doing="extended", revision=revision)
            before = posting.valid_through
            if expiring is not None:
                posting.require_expiring(expiring)
            start = before if before is not None and before > now else now
            posting.valid_through = start + timedelta(days=days)
            posting._save_state("valid_through")
            posting.record(
                PostingEvent.Action.EXTENDED,
                by=by,
                changes={"valid_through": [_as_text(before), _as_text(posting.valid_through)]},
            )
        self._take(posting)

    def require_expiring(self, expiring: datetime) -> None:
        """Refuse (AlreadyDone) unless the posting still ends at `expiring`: what a reminder
        was sent about has been extended since."""
        if self.valid_through != expiring:
            if self.valid_through is None:
                raise AlreadyDone("This posting no longer has an end date to extend.")
            until = timezone.localtime(self.valid_through)
            raise AlreadyDone(
                "This posting has been extended since the reminder was sent: it is open until "
                f"{until.day} {until:%B %Y}."
            )

    def duplicate(self, *, by: User | None, revision: int | None = None) -> Posting:
        """A new draft with this posting's content as its recruiters last wrote it, for the
        next hire of the same kind. With `revision`, one copy per page that asked for it."""
        with transaction.atomic():
            source = self._locked(revision=revision)
            text = source.proposed()
            draft = Posting(organisation_id=source.organisation_id)
            for name in self.COPIED_FIELDS:
                attname = self.column(name).attname
                setattr(draft, attname, getattr(text, attname))
            draft.create(by=by, note=f"Copied from “{source.title}” (#{source.pk}).")
            source.record(PostingEvent.Action.DUPLICATED, by=by, note=f"Copied to #{draft.pk}.")
            # A new revision, so that a second click on the same page makes no second copy;
            # the posting itself is as it was (and stays where it is on the dashboard).
            source.revision += 1
            Posting.objects.filter(pk=source.pk).update(revision=source.revision)
        self._take(source)
        return draft


class AlreadyDone(ValidationError):
    """The change asked for has been made already: by a second click, or by someone else."""


class AlreadyCreated(Exception):
    """The form asking for a new posting was sent before: `posting` is the draft it made."""

    def __init__(self, posting: Posting) -> None:
        super().__init__(f"Posting #{posting.pk} was made from this form already.")
        self.posting = posting


class PostingChanged(ValidationError):
    """The posting has changed since the page that asked for this change was loaded."""


def _json_value(field: models.Field, posting: Posting) -> Any:
    """A field's value as `pending_changes` keeps it: JSON that `field.to_python` reads back."""
    value = getattr(posting, field.attname)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def shown_list(text: str) -> list[str]:
    """The items of a list the public sees: the first LIST_ITEMS, each cut at its limit."""
    return [item[:LIST_ITEM_LENGTH] for item in list_items(text)[:LIST_ITEMS]]


def _as_text(value: object) -> str:
    """A field value as it is stored in a PostingEvent's changes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return str(value)


def annual(amount: Decimal | None, per_year: int | None) -> Decimal | None:
    if amount is None or per_year is None:
        return None
    return amount * per_year


def compared_salary(top_yearly: Decimal | None, currency: str) -> Decimal:
    """Posting.salary_top_eur for a yearly top of `top_yearly` in `currency`."""
    if top_yearly is None:
        return NO_SALARY
    euros = currencies.in_euros(Decimal(top_yearly), currency)
    return UNRATED_SALARY if euros is None else euros


def with_derived_columns(fields: Iterable[str]) -> list[str]:
    """`fields` to write, and the columns derived from them: the place keys with the
    place, the salary figures with the salary."""
    fields = list(fields)
    for sources, derived in ((PLACE_FIELDS, PLACE_KEYS), (SALARY_INPUTS, SALARY_FIGURES)):
        if sources.intersection(fields):
            fields += [name for name in derived if name not in fields]
    return fields


class RenderedDescription(models.Model):
    """A posting's description as the public sees it, rendered when it is written, and its
    page's JSON-LD: derived data, kept beside the posting rather than in its row, so that
    the rows that search and counting read stay narrow (on SQLite a wider row made every
    keyword count slower)."""

    posting = models.OneToOneField(
        Posting, on_delete=models.CASCADE, primary_key=True, related_name="rendered"
    )
    html = models.TextField(help_text="Sanitised HTML, cut at the description's limit.")
    text = models.TextField(help_text="The same as plain text, for feeds and meta tags.")
    # The aggregator feed's copy (postings/descriptions.py), made once per change rather
    # than on every build of the feed. Good only while `feed_source` is the digest of the
    # texts it was made from: the build checks, and makes it again. Null until made: a
    # nullable column is added to a table in place, where SQLite rebuilds the table to add
    # one with a default.
    feed_html = models.TextField(  # noqa: DJ001 - see above
        null=True, blank=True, help_text="The whole description as the aggregator feed holds it."
    )
    feed_source = models.CharField(  # noqa: DJ001 - see above
        max_length=32, null=True, blank=True, help_text="Digest of the texts it was made from."
    )
    # The page's JSON-LD script, made by the first page that needs it after a change and
    # good while `job_posting_stamp` is the stamp of the rows as they are (postings/jsonld.py).
    job_posting = models.TextField(  # noqa: DJ001 - see above
        null=True, blank=True, help_text="The posting page's JSON-LD, as the page prints it."
    )
    job_posting_stamp = models.CharField(  # noqa: DJ001 - see above
        max_length=32, null=True, blank=True, help_text="Stamp of the rows it was made from."
    )

    class Meta:
        ordering = ["posting"]

    def __str__(self) -> str:
        return f"Rendered description of posting #{self.posting_id}"


class OpenPostingCounts(models.Model):
    """Counts of many open postings, stored by the page that counted them and read by the
    pages after it for a minute (postings/stored_counts.py): every open posting's by facet,
    which /jobs/ with nothing searched, the home page and the role directory show, and a
    role's postings' salaries, which its explainer shows."""

    # What was counted, and in what form: counts stored by a release with another form are
    # never read by this one.
    key = models.CharField(primary_key=True, max_length=64)
    counts = models.JSONField()
    counted_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "open posting counts"

    def __str__(self) -> str:
        return f"Open posting counts of {self.counted_at:%Y-%m-%d %H:%M:%S}"


class PostingEvent(models.Model):
    """One change to a posting: who did what, when. The posting's history."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        SUBMITTED = "submitted", "Submitted for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Sent back"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        EXTENDED = "extended", "Extended"
        DUPLICATED = "duplicated", "Duplicated"

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    changes = models.JSONField(
        default=dict, blank=True, help_text="Field names mapped to [before, after]."
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["posting", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.posting} ({self.created_at:%Y-%m-%d %H:%M})"


class DailyCountQuerySet(models.QuerySet):
    def per_posting(self, *, since: date) -> dict[int, dict[str, int]]:
        """Each posting's views and apply clicks, in all and from `since` on, by posting id:
        one grouped query whatever the number of days."""
        recent = Q(day__gte=since)
        rows = self.values("posting_id").annotate(
            total_views=Sum("views"),
            total_apply_clicks=Sum("apply_clicks"),
            recent_views=Coalesce(Sum("views", filter=recent), 0),
            recent_apply_clicks=Coalesce(Sum("apply_clicks", filter=recent), 0),
        )
        return {row.pop("posting_id"): row for row in rows.order_by()}


class DailyCount(models.Model):
    """A posting's views and apply clicks on one day (UTC), as the worker collected them
    from the shared counters (postings/counting.py)."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="daily_counts")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    apply_clicks = models.PositiveIntegerField(default=0)

    objects = DailyCountQuerySet.as_manager()

    class Meta:
        ordering = ["posting", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "day"], name="postings_dailycount_one_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} on {self.day}: {self.views} views, {self.apply_clicks} clicks"


class SearchTermQuerySet(models.QuerySet):
    def kinds(self, words: Collection[str]) -> dict[str, int]:
        """The kind of each of these folded words the vocabulary holds: one lookup by the
        unique index."""
        return dict(self.filter(text__in=list(words)).values_list("text", "kind"))


class SearchTerm(models.Model):
    """A word the search knows, for correcting misspelt ones (postings/spelling.py): the
    words of the roles' titles, alternate titles and abbreviations, of the open postings'
    places, and those found in the titles of several open postings. Kept by
    postings/vocabulary.py: words are added as postings and roles are written, and
    `rebuild_vocabulary` recounts the whole table (and drops what no open posting uses)."""

    class Kind(models.IntegerChoices):
        # In order of trust: a correction prefers a role's title to a word of some title.
        ROLE_TITLE = 1, "Role title"
        ALTERNATE_TITLE = 2, "Alternate title"
        ABBREVIATION = 3, "Abbreviation"
        PLACE = 4, "Place"
        WORD = 5, "Frequent word"

    text = models.CharField(max_length=40, unique=True, help_text="One folded word.")
    # Derived by the database, so that every write path fills it: misspellings are looked
    # for among words of about the same length.
    length = models.GeneratedField(
        expression=Length("text"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    postings = models.PositiveIntegerField(
        default=0, help_text="How many open postings used it when the table was last rebuilt."
    )

    objects = SearchTermQuerySet.as_manager()

    class Meta:
        ordering = ["text", "pk"]
        indexes = [models.Index(fields=["length", "text"], name="postings_searchterm_length")]

    def __str__(self) -> str:
        return self.text


SLUG_ATTEMPTS = 5


def save_with_free_slug(
    obj: Organisation | Posting, text: str, save: Callable[..., None], *args: Any, **kwargs: Any
) -> None:
    """Save a new `obj` with `save` under a free slug made from `text`.

    Two requests may find the same slug free at once; the one that loses the race to the
    unique index takes the next free one. The last attempt adds a random suffix, so a burst
    of saves cannot make this fail."""
    manager = type(obj)._default_manager
    for attempt in range(SLUG_ATTEMPTS):
        obj.slug = unique_slug(type(obj), text)
        if attempt == SLUG_ATTEMPTS - 1:
            obj.slug = f"{obj.slug[:180]}-{secrets.token_hex(4)}"
        try:
            with transaction.atomic():
                save(*args, **kwargs)
        except IntegrityError:
            if not manager.filter(slug=obj.slug).exists():
                raise  # another rule failed, not the slug's
        else:
            return
    raise IntegrityError(f"No free slug for {text!r} after {SLUG_ATTEMPTS} attempts.")


def unique_slug(model: type[models.Model], text: str, max_length: int = 180) -> str:
    """A slug for `text` not yet used by `model`: "title", then "title-2", "title-3"…"""
    base = slugify(text)[:max_length].strip("-") or "item"
    taken = set(model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


class Notification(models.TextChoices):
    """The mail the site sends recruiters about their work: each kind one they may turn off
    (NotificationPreferences), named by the field that keeps their choice."""

    POSTING_REVIEWED = "posting_reviewed", "My posting is approved or sent back by staff"
    POSTING_EXPIRING = "posting_expiring", "My posting expires in 3 days"
    INVITATION_ACCEPTED = "invitation_accepted", "Someone accepts my invitation to join"


class NotificationPreferences(models.Model):
    """Which notifications a user receives. No row: every kind, as the defaults say."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    posting_reviewed = models.BooleanField(
        default=True, verbose_name=Notification.POSTING_REVIEWED.label
    )
    posting_expiring = models.BooleanField(
        default=True, verbose_name=Notification.POSTING_EXPIRING.label
    )
    invitation_accepted = models.BooleanField(
        default=True, verbose_name=Notification.INVITATION_ACCEPTED.label
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user"]
        verbose_name_plural = "notification preferences"

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"

    @classmethod
    def of(cls, user: User) -> NotificationPreferences:
        """The user's preferences, unsaved defaults when they have chosen none."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    @classmethod
    def turn_off(cls, user: User, kind: Notification) -> None:
        """Stop one kind of notification to `user` (a second click changes nothing)."""
        cls.objects.update_or_create(user=user, defaults={str(kind): False})


class ExpiryReminder(models.Model):
    """A posting's "expires in 3 days" mail, recorded (and committed) before it is queued:
    one per posting per valid-through date, however often the daily task runs."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="+")
    valid_through = models.DateTimeField(help_text="The end date the reminder was about.")
    message_ids = models.TextField(
        blank=True, help_text="The Message-ID of each recruiter's copy, one a line."
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "valid_through"],
                name="%(app_label)s_%(class)s_once_per_end_date",
            )
        ]

    def __str__(self) -> str:
        return f"Expiry reminder for posting #{self.posting_id} ({self.valid_through:%Y-%m-%d})"
