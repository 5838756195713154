"""Structured definitions of jobs: what a role does, needs, reports to and leads to."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.db import models
from django.db.models import Aggregate, F, FilteredRelation, Prefetch, Q, Value
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from jobsite.caching import InvalidatingQuerySet
from jobsite.conditions import unless_either_unset
from jobsite.markup import render_markdown
from jobsite.paths import row_path
from jobsite.text import fold

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler


class Function(models.TextChoices):
    EXECUTIVE = "executive", "Executive leadership"
    GENERAL_MANAGEMENT = "general_management", "General management"
    OPERATIONS = "operations", "Operations"
    FINANCE = "finance", "Finance"
    MARKETING = "marketing", "Marketing"
    CUSTOMER_SERVICE = "customer_service", "Customer service"
    PEOPLE = "people", "People and HR"
    TECHNOLOGY = "technology", "Technology"
    ENTREPRENEURSHIP = "entrepreneurship", "Entrepreneurship"


class Level(models.TextChoices):
    """Seniority, most senior first; the order of the choices is the order of the ladder."""

    EXECUTIVE = "executive", "Executive"
    VICE_PRESIDENT = "vice_president", "Vice president"
    DIRECTOR = "director", "Director"
    MANAGER = "manager", "Manager"
    PROFESSIONAL = "professional", "Professional"
    OWNER = "owner", "Owner or founder"


class EducationLevel(models.TextChoices):
    NONE = "none", "No formal requirement"
    HIGH_SCHOOL = "high_school", "High school diploma"
    ASSOCIATE = "associate", "Associate degree"
    BACHELOR = "bachelor", "Bachelor's degree"
    MASTER = "master", "Master's degree"
    DOCTORATE = "doctorate", "Doctorate"


# -- Columns derived at save: a text's rendered HTML, stored as data beside the text ------------


class Derived(models.Model):
    """A model with columns made from its other fields whenever they are written, so that a
    page shows them without rendering them. `derived` maps each such column to the field it
    is made from and the function that makes it. A null column (a row written in SQL, or
    from an expression) is made when it is read."""

    derived: ClassVar[dict[str, tuple[str, Callable[[str], str]]]] = {}

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        columns = self.derive(update_fields)
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *columns}
        super().save(*args, **kwargs)

    def derive(self, written: Iterable[str] | None = None) -> list[str]:
        """Make the derived columns whose field is among `written` (None: every field this
        instance holds), and name them."""
        if written is None:
            held = {field.attname for field in self._meta.concrete_fields}
            written = held - self.get_deferred_fields()
        sources = set(written)
        made = []
        for column, (source, make) in self.derived.items():
            if source in sources:
                setattr(self, column, made_from(make, getattr(self, source)))
                made.append(column)
        return made

    def derived_value(self, column: str) -> str:
        value = getattr(self, column)
        if value is None:
            source, make = self.derived[column]
            value = make(getattr(self, source))
            setattr(self, column, value)
        return value


def made_from(make: Callable[[str], str], value: object) -> str | None:
    # An expression's value (an F(), bulk_update's Case) is known only to the database: the
    # column is left null, to be made when it is read.
    return make(value) if isinstance(value, str) else None


class DerivedQuerySet(InvalidatingQuerySet):
    """The queryset of a `Derived` model: the writes that skip save() make the derived
    columns too."""

    def derived_columns(self) -> dict[str, tuple[str, Callable[[str], str]]]:
        # The class serves Derived models only.
        return cast("type[Derived]", self.model).derived

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        rows = list(objs)
        for row in rows:
            row.derive()
        if kwargs.get("update_fields"):
            # A row updated on conflict writes the derived columns of the fields it updates.
            written = kwargs["update_fields"]
            made = [col for col, (source, _) in self.derived_columns().items() if source in written]
            kwargs["update_fields"] = list(dict.fromkeys([*written, *made]))
        return super().bulk_create(rows, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        rows, fields = list(objs), list(fields)
        made = [column for row in rows for column in row.derive(fields)]
        return super().bulk_update(
            rows, list(dict.fromkeys([*fields, *made])), batch_size=batch_size
        )

    def update(self, **kwargs: Any) -> int:
        for column, (source, make) in self.derived_columns().items():
            if source in kwargs and column not in kwargs:
                kwargs[column] = made_from(make, kwargs[source])
        return super().update(**kwargs)


# Between the alternate titles of a role as one text: a title is one line of a text input.
NAME_SEPARATOR = "\n"


class Joined(Aggregate):
    """A group's texts as one, `separator` between them: STRING_AGG, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    output_field = models.TextField()

    def __init__(self, expression: str, separator: str) -> None:
        super().__init__(expression, Value(separator))

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


class NameKind(IntEnum):
    """What a name of a role is; a lower value wins when two roles share a name."""

    TITLE = 0
    ABBREVIATION = 1
    ALTERNATE_TITLE = 2


class RoleQuerySet(DerivedQuerySet):
    def published(self) -> RoleQuerySet:
        """Roles the public may see."""
        return self.filter(is_published=True)

    def named_in(self, text: str) -> Role | None:
        """The role that `text` names: the whole of it, or a phrase within it, is a role's
        title, abbreviation or alternate title, compared by `name_words` (folded, without
        the words that join a title's parts: "vice president finance" says "Vice President
        of Finance"); see `named_phrase` for which phrase counts. Of two roles with that
        name, a title wins over an abbreviation over an alternate title, then the first by
        title. None when it names none. One query, for every role of this queryset with its
        alternate titles: roles are a few dozen. The role has the fields the queryset loads
        (`only()` keeps the long texts out)."""
        words = name_words(text)
        if not words:
            return None
        named: dict[str, tuple[NameKind, int, Role]] = {}
        roles = self.annotate(
            alternate_names=Joined("alternate_titles__title", NAME_SEPARATOR)
        ).order_by("title", "pk")
        for order, role in enumerate(roles):
            for kind, name in role_names(role):
                if name not in named or (kind, order) < named[name][:2]:
                    named[name] = (kind, order, role)
        phrase = named_phrase(words, named)
        return named[phrase][2] if phrase else None

    def at_address(self, address: str) -> Role | None:
        """The role that `address` (the last part of /roles/<address>/, not a role's own
        slug as typed) names: a slug in other letters ("Chief-Operating-Officer"), or the
        role's abbreviation or an alternate title made into a slug ("coo",
        "vp-operations"). A role's own slug wins over another's alias; an alias two roles
        share names neither. None when it names no role. One query, for every role of this
        queryset with its alternate titles: roles are a few dozen."""
        wanted = slugify(address)
        if not wanted:
            return None
        roles = self.annotate(
            alternate_names=Joined("alternate_titles__title", NAME_SEPARATOR)
        ).only("title", "slug", "abbreviation")
        answering = []
        for role in roles:
            if role.slug == wanted:
                return role
            alternates = (role.alternate_names or "").split(NAME_SEPARATOR)
            aliases = {slugify(name) for name in (role.title, role.abbreviation, *alternates)}
            if wanted in aliases:
                answering.append(role)
        return answering[0] if len(answering) == 1 else None

    def with_parts(self) -> RoleQuerySet:
        """A role's own parts, one query per kind whatever their number. The routes to
        other roles (reporting lines, career steps) come from `load_routes()`."""
        return self.prefetch_related(*part_prefetches())


class Role(Derived):
    title = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The full title in lower case with hyphens, e.g. chief-operating-officer. "
        "It is the page's address: change it only with a redirect in mind.",
    )
    abbreviation = models.CharField(
        max_length=20, blank=True, help_text="The usual short form, e.g. COO. Searches match it."
    )
    function = models.CharField(max_length=30, choices=Function.choices)
    level = models.CharField(max_length=30, choices=Level.choices)
    brief_answer = models.TextField(
        help_text="One paragraph that answers “What is a …?” on its own. Shown first on the "
        "explainer, in the directory and as the page's meta description (first 160 characters)."
    )
    overview = models.TextField(
        blank=True,
        help_text="The longer account of the role. Markdown: a blank line between paragraphs.",
    )
    education_level = models.CharField(
        max_length=20,
        choices=EducationLevel.choices,
        default=EducationLevel.BACHELOR,
        help_text="The minimum education employers usually ask for.",
    )
    fields_of_study = models.CharField(
        max_length=300,
        blank=True,
        help_text="Preferred fields of study, separated by commas.",
    )
    experience_years_min = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Years of relevant experience usually asked for (lower)."
    )
    experience_years_max = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Years of relevant experience usually asked for (upper)."
    )
    onet_soc_code = models.CharField(
        "O*NET-SOC code",
        max_length=10,
        blank=True,
        help_text="The closest O*NET-SOC occupation, e.g. 11-1021.00. Its first seven characters "
        "pick the wage figures shown on the explainer.",
    )
    isco_code = models.CharField(
        "ISCO-08 code", max_length=4, blank=True, help_text="Four-digit ISCO-08 unit group."
    )
    sources = models.TextField(
        blank=True,
        help_text="Where the facts come from, one source per line (shown on the page): its "
        "name, then its address if it has one, e.g. “O*NET OnLine, 11-1021.00 General and "
        "Operations Managers (CC BY 4.0) https://www.onetonline.org/link/summary/11-1021.00”.",
    )
    reviewed_on = models.DateField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="When the facts were last checked against the sources (shown on the page).",
    )
    wage_table = models.BooleanField(
        "show the wage table",
        default=True,
        help_text="Off where the occupation's US wage figures do not describe the role (its "
        "people are paid fees, or are self-employed, whom the survey leaves out).",
    )
    pay_note = models.TextField(
        blank=True,
        help_text="How people in the role are paid, in a sentence or two, shown in the pay "
        "section. Needed when the wage table is off.",
    )
    is_published = models.BooleanField(
        "published", default=False, help_text="Only published roles have public pages."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    overview_html = models.TextField(null=True, blank=True, editable=False)  # noqa: DJ001
    seeded = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="A digest of each value the shipped role content last wrote (roles/seeding.py): "
        "load_roles corrects only the values that still hold it.",
    )

    objects = RoleQuerySet.as_manager()
    derived: ClassVar[dict[str, tuple[str, Callable[[str], str]]]] = {
        "overview_html": ("overview", render_markdown),
    }

    # Set by load_routes(): the reporting lines and career steps between this role and
    # other published roles, each with the role at its other end.
    manager_lines: list[ReportingLine]
    report_lines: list[ReportingLine]
    next_steps: list[CareerStep]
    previous_steps: list[CareerStep]

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=unless_either_unset(
                    "experience_years_min", "lte", "experience_years_max"
                ),
                name="%(app_label)s_%(class)s_experience_range",
            ),
            models.CheckConstraint(
                condition=Q(wage_table=True) | ~Q(pay_note=""),
                name="%(app_label)s_%(class)s_pay_note_without_wage_table",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return row_path("roles:role_explainer", self.slug)

    @property
    def short_title(self) -> str:
        return self.abbreviation or self.title

    @property
    def overview_as_html(self) -> SafeString:
        return mark_safe(self.derived_value("overview_html"))  # noqa: S308 - render_markdown's

    @property
    def fields_of_study_list(self) -> list[str]:
        return [field.strip() for field in self.fields_of_study.split(",") if field.strip()]

    @property
    def wage_soc_code(self) -> str:
        """The SOC code of the wage statistics shown for the role: the O*NET-SOC code without
        its suffix, or "" where the role shows no wage table."""
        return self.onet_soc_code[:7] if self.wage_table else ""


# Words that join the parts of a title ("head of operations") without making it another one:
# people leave them out ("head operations"), and beside a name they do not make it part of a
# longer title ("COO of a start-up").
CONNECTIVES = frozenset({"a", "an", "and", "at", "for", "in", "of", "the", "to"})


def name_words(text: str) -> list[str]:
    """The words of a name or a query as names are compared: folded (jobsite.text.fold),
    without CONNECTIVES."""
    return [word for word in fold(text).split() if word not in CONNECTIVES]


def named_phrase(words: list[str], names: Collection[str]) -> str | None:
    """The longest of `names` that `words` say (both as `name_words` has them): all of
    them, or a phrase among them that the words beside it do not continue, words of other
    names being title words. "COO" in "coo london" is a name, "president" in "vice
    president" is not; the first of two as long."""
    title_words = {word for name in names for word in name.split()}
    longest = max((len(name.split()) for name in names), default=0)
    found: list[tuple[int, int, int, str]] = []
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + longest) + 1):
            phrase = " ".join(words[start:end])
            continued = (start > 0 and words[start - 1] in title_words) or (
                end < len(words) and words[end] in title_words
            )
            if phrase in names and not continued:
                found.append((start - end, -len(phrase), start, phrase))
    return min(found)[-1] if found else None


def role_names(role: Role) -> list[tuple[NameKind, str]]:
    """A role's names as `name_words` has them, each with its kind: from a role of
    `named_in`'s query, whose `alternate_names` holds its alternate titles as one text."""
    alternates = (getattr(role, "alternate_names", None) or "").split(NAME_SEPARATOR)
    names = [
        (NameKind.TITLE, role.title),
        (NameKind.ABBREVIATION, role.abbreviation),
        *((NameKind.ALTERNATE_TITLE, alternate) for alternate in alternates),
    ]
    return [(kind, " ".join(words)) for kind, name in names if (words := name_words(name))]


class RoleRow(Derived):
    """A row shown on a role's page, in the order its editor gives it. Written through
    DerivedQuerySet, so that bulk writes make the cached pages out of date too, and make
    the row's derived columns, if it has any."""

    objects = DerivedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["role", "order", "pk"]


class AlternateTitle(RoleRow):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="alternate_titles")
    title = models.CharField(max_length=120, help_text="Another name employers use for the role.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(RoleRow.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["role", "title"], name="%(app_label)s_%(class)s_unique_per_role"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Responsibility(RoleRow):
    class Area(models.TextChoices):
        STRATEGY = "strategy", "Strategy and planning"
        OPERATIONS = "operations", "Operations"
        MARKETING = "marketing", "Marketing and brand"
        SALES = "sales", "Sales and customers"
        PEOPLE = "people", "People and culture"
        FINANCE = "finance", "Finance and budget"
        REPORTING = "reporting", "Reporting and analysis"
        TECHNOLOGY = "technology", "Technology"
        EXTERNAL = "external", "External relations"
        GOVERNANCE = "governance", "Governance and compliance"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="responsibilities")
    area = models.CharField(max_length=20, choices=Area.choices)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(RoleRow.Meta):
        verbose_name_plural = "responsibilities"

    def __str__(self) -> str:
        return self.text


class Qualification(RoleRow):
    class Kind(models.TextChoices):
        EDUCATION = "education", "Education"
        EXPERIENCE = "experience", "Experience"
        KNOWLEDGE = "knowledge", "Knowledge"
        SKILL = "skill", "Skill"
        TRAIT = "trait", "Personal quality"

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="qualifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    is_required = models.BooleanField(
        "required", default=True, help_text="Off for what employers prefer but do not require."
    )
    order = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return self.text


class ReportingLine(RoleRow):
    """`role` reports to `manager`; a role's direct reports are the reverse relation."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="reporting_lines")
    manager = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="direct_report_lines")
    is_typical = models.BooleanField(
        "typical", default=True, help_text="Off for a line that holds only in some organisations."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(RoleRow.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["role", "manager"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(role=F("manager")), name="%(app_label)s_%(class)s_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} reports to {self.manager}"


class CareerStep(RoleRow):
    """A move people commonly make from one role to another."""

    from_role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="steps_out")
    to_role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="steps_in")
    note = models.TextField(blank=True, help_text="What the move takes, in a sentence or two.")
    typical_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Years usually spent in the first role before the move."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta(RoleRow.Meta):
        ordering = ["from_role", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_role", "to_role"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(from_role=F("to_role")), name="%(app_label)s_%(class)s_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_role} → {self.to_role}"


# What a link to another role shows (its title and address) and what related roles are
# sorted and described by: the columns to load for a role at the far end of a route.
LINKED_ROLE_FIELDS = ("title", "slug", "abbreviation", "level", "function")


def part_prefetches() -> list[Prefetch]:
    """The prefetches of a role's own parts (`RoleQuerySet.with_parts`), for roles already
    fetched too (`prefetch_related_objects`)."""
    # Each part ordered on its own columns: the models' default ordering starts with the
    # role, which would join the roles table into every prefetch for nothing (the parts of
    # one role share it).
    return [
        Prefetch(name, part.objects.order_by("order", "pk")) for name, part in ROLE_PARTS.items()
    ]


def load_routes(roles: Iterable[Role]) -> None:
    """Give each of these published roles its routes to other published roles:
    `manager_lines` (the roles it reports to), `report_lines` (the roles reporting to it),
    `next_steps` and `previous_steps` (career steps out and in), with the role at the other
    end loaded. One query for the lines and one for the steps, both directions at once:
    four prefetches, one per direction, cost about 3 ms more on an explainer. The roles at
    either end load only LINKED_ROLE_FIELDS: their long texts would cost more than the rest
    of the query."""
    by_pk = {role.pk: role for role in roles}
    for role in by_pk.values():
        role.manager_lines, role.report_lines = [], []
        role.next_steps, role.previous_steps = [], []
    published = Role.objects.published()
    lines = (
        ReportingLine.objects.filter(
            Q(role__in=list(by_pk), manager__in=published)
            | Q(manager__in=list(by_pk), role__in=published)
        )
        .select_related("role", "manager")
        .only("is_typical", "order", *linked("role"), *linked("manager"))
        .order_by("order", "pk")
    )
    for line in lines:
        if line.role_id in by_pk:
            by_pk[line.role_id].manager_lines.append(line)
        if line.manager_id in by_pk:
            by_pk[line.manager_id].report_lines.append(line)
    steps = (
        CareerStep.objects.filter(
            Q(from_role__in=list(by_pk), to_role__in=published)
            | Q(to_role__in=list(by_pk), from_role__in=published)
        )
        .select_related("from_role", "to_role")
        .only("note", "typical_years", "order", *linked("from_role"), *linked("to_role"))
        .order_by("order", "pk")
    )
    for step in steps:
        if step.from_role_id in by_pk:
            by_pk[step.from_role_id].next_steps.append(step)
        if step.to_role_id in by_pk:
            by_pk[step.to_role_id].previous_steps.append(step)
    # Routes in are listed by the roles they come from, like the directory; the sort is
    # stable, so each role's own lines keep their order.
    for role in by_pk.values():
        role.report_lines.sort(key=lambda line: (line.role.title, line.role.pk))
        role.previous_steps.sort(key=lambda step: (step.from_role.title, step.from_role.pk))


def linked(relation: str) -> list[str]:
    """The LINKED_ROLE_FIELDS of the role across `relation`, for `only()`."""
    return [f"{relation}__{name}" for name in LINKED_ROLE_FIELDS]


class FAQ(RoleRow):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=200)
    answer = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    answer_html = models.TextField(null=True, blank=True, editable=False)  # noqa: DJ001

    derived: ClassVar[dict[str, tuple[str, Callable[[str], str]]]] = {
        "answer_html": ("answer", render_markdown),
    }

    class Meta(RoleRow.Meta):
        verbose_name = "FAQ"

    def __str__(self) -> str:
        return self.question

    @property
    def answer_as_html(self) -> SafeString:
        return mark_safe(self.derived_value("answer_html"))  # noqa: S308 - render_markdown's


# A role's own parts, by the name of their relation on Role (their key in the content files
# too), and the routes between roles.
ROLE_PARTS: dict[str, type[RoleRow]] = {
    "alternate_titles": AlternateTitle,
    "responsibilities": Responsibility,
    "qualifications": Qualification,
    "faqs": FAQ,
}
ROUTES: tuple[type[RoleRow], ...] = (ReportingLine, CareerStep)


class Explainer(models.Model):
    """What a published role's explainer shows of the role alone, rendered from the role,
    its parts, its routes to other roles and the wage table (roles/explainers.py), and
    stored whenever any role or part of one is written: the page reads this one row beside
    the role instead of eight queries, and renders only what changes with postings."""

    role = models.OneToOneField(
        Role, on_delete=models.CASCADE, primary_key=True, related_name="explainer"
    )
    also_called_html = models.TextField(blank=True)
    contents_html = models.TextField()
    about_html = models.TextField()
    wages_html = models.TextField(blank=True)
    more_html = models.TextField()
    # The areas the pay section offers, as the national page's select lists them: the page
    # reads them here rather than some 590 wage rows.
    area_options_html = models.TextField(blank=True)
    # Text, not a JSONField: PostgreSQL's jsonb would sort the keys, and "@context" first
    # is what people and validators expect to read.
    json_ld = models.TextField(
        help_text="The role's Occupation JSON-LD but its url, which is made from SITE_URL "
        "when the page is shown."
    )
    rendered_at = models.DateTimeField(auto_now=True)

    objects = InvalidatingQuerySet.as_manager()

    FRAGMENTS: ClassVar[tuple[str, ...]] = (
        "also_called_html",
        "contents_html",
        "about_html",
        "wages_html",
        "more_html",
        "area_options_html",
    )

    class Meta:
        ordering = ["role"]

    def __str__(self) -> str:
        return f"Explainer of {self.role_id}"

    def occupation(self, *, url: str) -> dict[str, Any]:
        """The Occupation JSON-LD with the page's `url`, its page's included."""
        data = {**json.loads(self.json_ld), "url": url}
        if "mainEntityOfPage" in data:
            data["mainEntityOfPage"] = {**data["mainEntityOfPage"], "url": url}
        return data

    def fragments(self) -> dict[str, SafeString]:
        """The stored fragments by name ("about" for `about_html`), as the templates rendered
        them, their escaping done."""
        return {
            name.removesuffix("_html"): mark_safe(getattr(self, name))  # noqa: S308 - ours
            for name in self.FRAGMENTS
        }


class ShorthandQuerySet(InvalidatingQuerySet):
    def for_words(self, grams: Iterable[str]) -> ShorthandQuerySet:
        """The shorthand among `grams` (folded words and runs of words): one indexed lookup."""
        return self.filter(term__in=list(grams))


class Shorthand(models.Model):
    """What job seekers type for a longer phrase: "ops" for operations, "vp" for vice
    president. The search reads a query's shorthand as the phrase (postings/spelling.py)."""

    term = models.CharField(
        unique=True,
        max_length=40,
        help_text="As people type it, e.g. ops, vp, head of. Stored in lower case without "
        "accents or punctuation.",
    )
    meaning = models.CharField(
        max_length=120,
        help_text="What the search looks for instead, e.g. operations, vice president. Words "
        "in the roles' titles and alternate titles find their postings best.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShorthandQuerySet.as_manager()

    class Meta:
        ordering = ["term", "pk"]
        verbose_name_plural = "shorthand"
        constraints = [
            models.CheckConstraint(condition=~Q(term=""), name="%(app_label)s_%(class)s_has_term"),
            models.CheckConstraint(
                condition=~Q(meaning=""), name="%(app_label)s_%(class)s_has_meaning"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.meaning}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Looked up by the folded words of a query: stored folded, however it was entered.
        self.term = fold(self.term)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.term = fold(self.term)


# -- Wages where people live and by industry (BLS OEWS, loaded from roles/data/) -------------


class WageAreaQuerySet(models.QuerySet):
    def with_wages_of(self, soc_code: str) -> WageAreaQuerySet:
        """Each area with the all-industry wages of the SOC occupation `soc_code` beside it
        (`occupation_wages__<figure>`, None where the BLS publishes no row for it there):
        one query, whichever area a page shows."""
        return self.annotate(
            occupation_wages=FilteredRelation(
                "wages",
                condition=Q(
                    wages__soc_code=soc_code, wages__industry_code=OccupationWage.ALL_INDUSTRIES
                ),
            )
        )


class WageArea(models.Model):
    """A place the BLS publishes wages for: the nation, a state (D.C. and the territories
    among them), or a metropolitan or nonmetropolitan area. Written only by `load_roles`,
    from the files in roles/data/ (roles/wages.py)."""

    class Kind(models.TextChoices):
        NATION = "N", "Nation"
        STATE = "S", "State or territory"
        METRO = "M", "Metropolitan or nonmetropolitan area"

    code = models.CharField(
        max_length=7,
        unique=True,
        help_text="The BLS area code: 0000000 the nation, 0600000 California, 0041860 San "
        "Francisco-Oakland-Fremont, CA. The explainer's ?area= names it.",
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    state_code = models.CharField(
        max_length=2, help_text="The FIPS code of its state (00 for the nation)."
    )

    objects = WageAreaQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["N", "S", "M"]), name="%(app_label)s_%(class)s_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OccupationWage(models.Model):
    """What one SOC occupation earns in one area and industry, as the BLS publishes it:
    all industries in every area, and by industry sector in the nation. A figure the BLS
    does not publish there is null; one it gives only as "at or above the top of its range"
    ($239,200 a year, $115 an hour) holds that top and is named in `top_coded`."""

    ALL_INDUSTRIES = "000000"

    area = models.ForeignKey(WageArea, on_delete=models.CASCADE, related_name="wages")
    industry_code = models.CharField(
        max_length=6,
        help_text="The OEWS industry code: 000000 for all industries, a NAICS sector "
        "such as 54--55 otherwise.",
    )
    industry = models.CharField(max_length=200)
    soc_code = models.CharField(max_length=7, help_text="The SOC 2018 code, e.g. 11-1021.")
    occupation = models.CharField(max_length=200)
    employment = models.PositiveIntegerField(null=True, blank=True)
    annual_mean = models.PositiveIntegerField(null=True, blank=True)
    annual_p10 = models.PositiveIntegerField(null=True, blank=True)
    annual_p25 = models.PositiveIntegerField(null=True, blank=True)
    annual_median = models.PositiveIntegerField(null=True, blank=True)
    annual_p75 = models.PositiveIntegerField(null=True, blank=True)
    annual_p90 = models.PositiveIntegerField(null=True, blank=True)
    hourly_median = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    top_coded = models.CharField(
        max_length=120,
        blank=True,
        help_text="The figures given only as at or above the top of the published range, "
        "by field name, separated by spaces (e.g. annual_p90).",
    )

    class Meta:
        ordering = ["soc_code", "industry_code", "area_id", "pk"]
        constraints = [
            # Also the index a page's one query reads: the occupation's rows, industry, area.
            models.UniqueConstraint(
                fields=["soc_code", "industry_code", "area"],
                name="%(app_label)s_%(class)s_unique_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation} ({self.soc_code}), {self.industry}, {self.area_id}"


class WageData(models.Model):
    """Which data files the wage tables hold, by a digest of their bytes: `load_roles`
    loads the files again only when they change."""

    digest = models.CharField(max_length=64, unique=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-loaded_at", "pk"]
        verbose_name_plural = "wage data"

    def __str__(self) -> str:
        return f"Wage data {self.digest[:12]}, loaded {self.loaded_at:%Y-%m-%d %H:%M}"
