"""Organisations, their recruiters, and the job postings they publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import ExpressionWrapper, F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from roles.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


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
    "remote_countries": TextLimit(300, "the list of countries"),
    "apply_url": TextLimit(500, "the apply link"),
    "apply_email": TextLimit(254, "the email address"),
}
LIST_ITEM_LENGTH = 500
LIST_ITEMS = 30
ORGANISATION_TEXT_LIMITS = {
    "name": TextLimit(150, "the name"),
    "website": TextLimit(200, "the website address"),
    "description": TextLimit(2_000, "the description"),
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


class OrganisationQuerySet(models.QuerySet):
    def active(self) -> OrganisationQuerySet:
        """Organisations whose postings may appear on the public site."""
        return self.filter(is_suspended=False)


class Organisation(models.Model):
    name = models.CharField(max_length=ORGANISATION_TEXT_LIMITS["name"].length)
    slug = models.SlugField(max_length=160, unique=True)
    website = models.URLField(max_length=ORGANISATION_TEXT_LIMITS["website"].length, blank=True)
    description = models.TextField(blank=True, help_text="A short public description. Markdown.")
    is_verified = models.BooleanField(
        "verified", default=False, help_text="Staff have checked that the organisation is real."
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

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(Organisation, self.name)
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A user's place in one organisation."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        RECRUITER = "recruiter", "Recruiter"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RECRUITER)
    invitation = models.OneToOneField(
        "Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="membership",
        help_text="The invitation this membership came from: one membership per invitation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user", "pk"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


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
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"

    def is_for(self, user: AbstractBaseUser) -> bool:
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
    def is_verified(user: AbstractBaseUser) -> bool:
        """Whether the user may act on the site's behalf in mail: publish, invite."""
        return not EmailVerification.objects.pending().filter(user=user).exists()

    @staticmethod
    def verify(user: AbstractBaseUser) -> bool:
        """Mark the user's address verified; False if it was already (a used link)."""
        return bool(
            EmailVerification.objects.pending().filter(user=user).update(verified_at=timezone.now())
        )


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
PERIODS_PER_YEAR = {
    SalaryPeriod.HOUR: 2080,
    SalaryPeriod.DAY: 260,
    SalaryPeriod.WEEK: 52,
    SalaryPeriod.MONTH: 12,
    SalaryPeriod.YEAR: 1,
}


# A posting's place in a fixed pseudo-random order of 65,536 buckets: the postings in the
# lowest buckets are a uniform sample of all postings, whatever their age, from which a
# search too broad to count exactly is estimated (postings/filters.py). Multiplying by an odd
# number permutes the ids' low bits, so consecutive ids land far apart.
# The numbers are in the SQL, not parameters: SQLite uses an index on an expression only for
# the very same expression.
SAMPLE_BUCKETS = 65_536
SAMPLE_BUCKET = Func(
    F("id"), template="((%(expressions)s * 40503) & 65535)", output_field=models.IntegerField()
)


def open_q(now: datetime) -> Q:
    """The one rule for a posting the public may find: published, live and not expired."""
    return (
        Q(status=Posting.Status.PUBLISHED)
        & Q(published_at__lte=now)
        & (Q(valid_through__isnull=True) | Q(valid_through__gt=now))
        & Q(organisation__is_suspended=False)
    )


class PostingQuerySet(models.QuerySet):
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
    remote_countries = models.CharField(
        max_length=POSTING_TEXT_LIMITS["remote_countries"].length,
        blank=True,
        validators=[iso_country_list],
        help_text="For remote work: the countries applicants may live in, as ISO codes "
        "separated by spaces (e.g. GB IE). Empty means anywhere.",
    )
    salary_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    salary_currency = models.CharField(
        max_length=3, blank=True, validators=[iso_currency], help_text="ISO 4217, e.g. USD."
    )
    salary_period = models.CharField(
        max_length=10, choices=SalaryPeriod.choices, blank=True, default=SalaryPeriod.YEAR
    )
    # Derived in save(): the salary range as a yearly amount, so that ranges quoted per
    # hour, day or month compare with yearly ones.
    salary_min_annual = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    salary_max_annual = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, editable=False
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=F("salary_max")),
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
                condition=Q(valid_through__isnull=True)
                | Q(published_at__isnull=True)
                | Q(valid_through__gt=F("published_at")),
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
        ]
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
                    "role",
                    "employment_type",
                    "workplace",
                    "country",
                    "remote_countries",
                ],
                condition=Q(status="published"),
                name="postings_published_newest",
            ),
            models.Index(fields=["organisation", "status"], name="postings_org_status"),
            # Search counts and facets (filters.PostingFilter.groups) read only the index.
            models.Index(
                fields=[
                    "published_at",
                    "valid_through",
                    "organisation",
                    "role",
                    "employment_type",
                    "workplace",
                    "country",
                    "remote_countries",
                ],
                condition=Q(status="published"),
                name="postings_published_facets",
            ),
            # A role's open postings, newest first: explainers and "similar jobs".
            models.Index(
                fields=["role", "-published_at", "-id"],
                # On PostgreSQL, the rest of "open" and the yearly salaries too: a role's open
                # postings and their salary range (explainer) come from the index alone.
                include=[
                    "valid_through",
                    "organisation",
                    "salary_currency",
                    "salary_min_annual",
                    "salary_max_annual",
                ],
                condition=Q(status="published"),
                name="postings_role_newest",
            ),
            # Estimated search counts: a published sample, with the facets' columns.
            models.Index(
                SAMPLE_BUCKET,
                F("published_at"),
                F("valid_through"),
                F("organisation"),
                F("role"),
                F("employment_type"),
                F("workplace"),
                F("country"),
                F("remote_countries"),
                condition=Q(status="published"),
                name="postings_published_sample",
            ),
            # Search sorted by salary: the yearly top of the range, highest first, none last.
            models.Index(
                Coalesce("salary_max_annual", "salary_min_annual", Value(-1)).desc(),
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(status="published"),
                name="postings_published_salary",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(Posting, f"{self.title} {self.organisation.name}")
        self.annualise_salary()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("postings:posting_detail", kwargs={"slug": self.slug})

    def annualise_salary(self) -> None:
        """Fill the yearly salary figures from the quoted range and period."""
        per_year = PERIODS_PER_YEAR.get(self.salary_period)
        self.salary_min_annual = annual(self.salary_min, per_year)
        self.salary_max_annual = annual(self.salary_max, per_year)

    # What the public sees of the long texts: cut at their limits, so that no stored text
    # makes a page, a feed or JSON-LD slow or large, however long it is.

    @property
    def shown_description(self) -> str:
        return POSTING_TEXT_LIMITS["description"].cut(self.description)

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
    def has_salary(self) -> bool:
        return self.salary_min is not None or self.salary_max is not None

    # --- State changes. Each one saves and records a PostingEvent in one transaction. ---

    DEFAULT_VALIDITY = timedelta(days=60)

    def record(
        self,
        action: str,
        *,
        by: AbstractBaseUser | None,
        changes: dict | None = None,
        note: str = "",
    ) -> PostingEvent:
        """Add an entry to the posting's history."""
        return PostingEvent.objects.create(
            posting=self, actor=by, action=action, changes=changes or {}, note=note
        )

    def _require_status(self, *allowed: str, doing: str) -> None:
        if self.status not in allowed:
            names = " or ".join(str(self.Status(status).label).lower() for status in allowed)
            raise ValidationError(
                f"Only a posting that is {names} can be {doing}; "
                f"this one is {self.get_status_display().lower()}."
            )

    def create(self, *, by: AbstractBaseUser | None, note: str = "") -> None:
        """Save a new posting as a draft and record who created it."""
        with transaction.atomic():
            self.status = self.Status.DRAFT
            self.published_at = None
            self.created_by = by
            self.save()
            self.record(PostingEvent.Action.CREATED, by=by, note=note)

    def edit(
        self,
        *,
        by: AbstractBaseUser | None,
        changes: dict[str, list],
        require_review: bool | None = None,
    ) -> None:
        """Save edited fields; `changes` maps each changed field to [before, after].

        When staff review postings, editing a live posting sends it back to review, so what
        the public sees is always what staff approved."""
        if require_review is None:
            require_review = settings.POSTINGS_REQUIRE_REVIEW
        resubmit = require_review and self.status == self.Status.PUBLISHED and bool(changes)
        with transaction.atomic():
            if resubmit:
                self.status = self.Status.IN_REVIEW
            self.save()
            if changes:
                self.record(PostingEvent.Action.EDITED, by=by, changes=changes)
            if resubmit:
                self.record(PostingEvent.Action.SUBMITTED, by=by, note="Edited while published.")

    def publish(self, *, by: AbstractBaseUser | None, require_review: bool | None = None) -> None:
        """Publish a draft, or submit it for review when staff must approve postings first."""
        self._require_status(self.Status.DRAFT, doing="published")
        if require_review is None:
            require_review = settings.POSTINGS_REQUIRE_REVIEW
        if not require_review:
            self._go_live(by=by, action=PostingEvent.Action.PUBLISHED)
            return
        with transaction.atomic():
            self.status = self.Status.IN_REVIEW
            self.rejection_reason = ""
            self.save(update_fields=["status", "rejection_reason", "updated_at"])
            self.record(PostingEvent.Action.SUBMITTED, by=by)

    def approve(self, *, by: AbstractBaseUser | None) -> None:
        """Staff accept a posting in review: it goes live."""
        self._require_status(self.Status.IN_REVIEW, doing="approved")
        self._go_live(by=by, action=PostingEvent.Action.APPROVED)

    def reject(self, *, by: AbstractBaseUser | None, reason: str) -> None:
        """Staff send a posting in review back to draft, with the reason its recruiters see."""
        self._require_status(self.Status.IN_REVIEW, doing="sent back")
        with transaction.atomic():
            self.status = self.Status.DRAFT
            self.rejection_reason = reason
            self.save(update_fields=["status", "rejection_reason", "updated_at"])
            self.record(PostingEvent.Action.REJECTED, by=by, note=reason)

    def _go_live(self, *, by: AbstractBaseUser | None, action: str) -> None:
        now = timezone.now()
        before = self.valid_through
        with transaction.atomic():
            self.status = self.Status.PUBLISHED
            self.published_at = now
            self.rejection_reason = ""
            if self.valid_through is None or self.valid_through <= now:
                self.valid_through = now + self.DEFAULT_VALIDITY
            self.save(
                update_fields=[
                    "status",
                    "published_at",
                    "valid_through",
                    "rejection_reason",
                    "updated_at",
                ]
            )
            changes = {}
            if before != self.valid_through:
                changes["valid_through"] = [_as_text(before), _as_text(self.valid_through)]
            self.record(action, by=by, changes=changes)

    def close(self, *, by: AbstractBaseUser | None) -> None:
        """Take a published posting off the public site; it can be reopened."""
        self._require_status(self.Status.PUBLISHED, doing="closed")
        with transaction.atomic():
            self.status = self.Status.CLOSED
            self.save(update_fields=["status", "updated_at"])
            self.record(PostingEvent.Action.CLOSED, by=by)

    def reopen(self, *, by: AbstractBaseUser | None) -> None:
        """Publish a closed posting again, with a fresh valid-through date if it had passed."""
        self._require_status(self.Status.CLOSED, doing="reopened")
        now = timezone.now()
        before = self.valid_through
        with transaction.atomic():
            self.status = self.Status.PUBLISHED
            if self.valid_through is None or self.valid_through <= now:
                self.valid_through = now + self.DEFAULT_VALIDITY
            self.save(update_fields=["status", "valid_through", "updated_at"])
            changes = {}
            if before != self.valid_through:
                changes["valid_through"] = [_as_text(before), _as_text(self.valid_through)]
            self.record(PostingEvent.Action.REOPENED, by=by, changes=changes)

    def extend(self, *, by: AbstractBaseUser | None, days: int) -> None:
        """Push the valid-through date `days` later, counting from now if it has passed."""
        self._require_status(self.Status.PUBLISHED, doing="extended")
        now = timezone.now()
        before = self.valid_through
        start = before if before is not None and before > now else now
        with transaction.atomic():
            self.valid_through = start + timedelta(days=days)
            self.save(update_fields=["valid_through", "updated_at"])
            self.record(
                PostingEvent.Action.EXTENDED,
                by=by,
                changes={"valid_through": [_as_text(before), _as_text(self.valid_through)]},
            )

    def duplicate(self, *, by: AbstractBaseUser | None) -> Posting:
        """A new draft with this posting's content, for the next hire of the same kind."""
        copy = Posting(
            organisation=self.organisation,
            role=self.role,
            title=self.title,
            description=self.description,
            responsibilities=self.responsibilities,
            qualifications=self.qualifications,
            employment_type=self.employment_type,
            workplace=self.workplace,
            city=self.city,
            region=self.region,
            country=self.country,
            remote_countries=self.remote_countries,
            salary_min=self.salary_min,
            salary_max=self.salary_max,
            salary_currency=self.salary_currency,
            salary_period=self.salary_period,
            apply_url=self.apply_url,
            apply_email=self.apply_email,
        )
        with transaction.atomic():
            copy.create(by=by, note=f"Copied from “{self.title}” (#{self.pk}).")
            self.record(PostingEvent.Action.DUPLICATED, by=by, note=f"Copied to #{copy.pk}.")
        return copy


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


def unique_slug(model: type[models.Model], text: str, max_length: int = 180) -> str:
    """A slug for `text` not yet used by `model`: "title", then "title-2", "title-3"…"""
    base = slugify(text)[:max_length].strip("-") or "item"
    taken = set(model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
