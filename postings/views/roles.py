"""Public role pages: the directory, explainers and comparisons."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from http import HTTPStatus
from typing import Any

from django.db.models import Case, Count, Max, Min, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from jobsite.caching import expires_with, keep_until, public_page
from jobsite.origin import absolute_url
from jobsite.structured_data import Crumb
from postings import facets, stored_counts
from postings.display import RESULT_FIELDS
from postings.models import EmploymentType, Posting, PostingQuerySet
from roles import presentation
from roles.explainers import area_options, explainer_for
from roles.filters import RoleFilter
from roles.forms import RolePairForm
from roles.models import Level, Role, load_routes
from roles.presentation import MAX_PAIR_LENGTH, compare_title, compare_url, split_pair
from roles.wages import NATION, SOURCE, SOURCE_URL, pay_by_area, side_by_side, wages_for

OPEN_POSTING_COUNT = 5
# The explainer gives a salary range only from this many open postings in one currency and
# kind of job: from fewer, one employer's offer would read as the going rate.
RANGE_POSTINGS = 3


@dataclass
class SalaryRange:
    """Open postings' salaries in one currency, as yearly amounts."""

    currency: str
    low: Decimal | None
    high: Decimal | None
    postings: int

    @property
    def amounts(self) -> str:
        """ "60,000–80,000", or one whole yearly figure when there is only one."""
        if self.low is not None and self.high is not None and self.low != self.high:
            return f"{whole(self.low)}–{whole(self.high)}"
        return whole(self.low if self.low is not None else self.high)


def whole(amount: Decimal | None) -> str:
    """123456.50 → "123,457": rounded half up, like `floatformat:0|intcomma`."""
    if amount is None:
        return ""
    return f"{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def salary_ranges(postings: PostingQuerySet, *, by_role: bool = False) -> list[dict]:
    """Per currency (and role), how many open postings and their lowest and highest yearly
    salary, in one aggregate query. Postings without a salary count under currency ""."""
    keys = ["role_id", "salary_currency"] if by_role else ["salary_currency"]
    return list(
        postings.order_by()
        .values(*keys)
        .annotate(
            postings=Count("pk"),
            low=Min(Coalesce("salary_min_annual", "salary_max_annual")),
            high=Max(Coalesce("salary_max_annual", "salary_min_annual")),
        )
        .order_by(*keys)
    )


def salary_summary(rows: list[dict]) -> tuple[int, list[SalaryRange]]:
    """The number of open postings, and the salary range in each currency quoted."""
    total = sum(row["postings"] for row in rows)
    ranges = [
        SalaryRange(row["salary_currency"], row["low"], row["high"], row["postings"])
        for row in rows
        if row["salary_currency"] and (row["low"] is not None or row["high"] is not None)
    ]
    return total, ranges


class JobKind:
    """The kinds of job whose salaries the explainer keeps apart: a part-time rate or an
    intern's stipend is not a full-time salary."""

    FULL = ""
    PART_TIME = EmploymentType.PART_TIME.value
    INTERNSHIP = EmploymentType.INTERNSHIP.value
    LABELS = {
        FULL: "Full-time, contract and temporary jobs",
        PART_TIME: "Part-time jobs",
        INTERNSHIP: "Internships",
    }
    NOUNS = {FULL: "full-time posting", PART_TIME: "part-time posting", INTERNSHIP: "internship"}


@dataclass
class PostingSalaries:
    """Open postings' yearly salaries in one currency and kind of job."""

    kind: str
    currency: str
    low: Decimal | None
    high: Decimal | None
    postings: int

    @property
    def has_range(self) -> bool:
        return self.postings >= RANGE_POSTINGS

    @property
    def amounts(self) -> str:
        return SalaryRange(self.currency, self.low, self.high, self.postings).amounts

    @property
    def noun(self) -> str:
        return JobKind.NOUNS[self.kind] + ("" if self.postings == 1 else "s")


@dataclass
class SalaryGroup:
    kind: str
    label: str
    salaries: list[PostingSalaries]

    def as_json(self) -> dict[str, Any]:
        """The group as JSON can hold it: amounts as text, exact."""
        return {
            "kind": self.kind,
            "salaries": [
                [item.currency, as_text(item.low), as_text(item.high), item.postings]
                for item in self.salaries
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SalaryGroup:
        kind = data["kind"]
        return cls(
            kind,
            JobKind.LABELS[kind],
            [
                PostingSalaries(kind, currency, as_decimal(low), as_decimal(high), postings)
                for currency, low, high, postings in data["salaries"]
            ],
        )


def explainer_salaries(postings: PostingQuerySet) -> tuple[int, list[SalaryGroup]]:
    """The number of open postings, and their yearly salaries by kind of job (full-time and
    the like first, then part-time, then internships) and currency, most postings first:
    one aggregate query."""
    rows = (
        postings.order_by()
        .annotate(
            kind=Case(
                When(employment_type=JobKind.PART_TIME, then=Value(JobKind.PART_TIME)),
                When(employment_type=JobKind.INTERNSHIP, then=Value(JobKind.INTERNSHIP)),
                default=Value(JobKind.FULL),
            )
        )
        .values("kind", "salary_currency")
        .annotate(
            postings=Count("pk"),
            low=Min(Coalesce("salary_min_annual", "salary_max_annual")),
            high=Max(Coalesce("salary_max_annual", "salary_min_annual")),
        )
        .order_by("kind", "salary_currency")
    )
    total = 0
    groups = {kind: SalaryGroup(kind, label, []) for kind, label in JobKind.LABELS.items()}
    for row in rows:
        total += row["postings"]
        if row["salary_currency"] and (row["low"] is not None or row["high"] is not None):
            groups[row["kind"]].salaries.append(
                PostingSalaries(
                    row["kind"], row["salary_currency"], row["low"], row["high"], row["postings"]
                )
            )
    for group in groups.values():
        group.salaries.sort(key=lambda salaries: (-salaries.postings, salaries.currency))
    return total, [group for group in groups.values() if group.salaries]


# A role with this many open postings has its salary figures stored for a minute
# (postings/stored_counts.py): aggregating them costs as they grow (6.6 ms of SQL for a
# role's 2,500 on SQLite), while a few more or fewer never change a range much.
SALARIES_STORED_FROM = 1_000
STORED_SALARIES = stored_counts.key(
    "salaries", [list(JobKind.LABELS), [item.name for item in fields(PostingSalaries)]]
)


def role_salaries(role: Role, postings: PostingQuerySet) -> tuple[int, list[SalaryGroup]]:
    """`explainer_salaries` of the role's open `postings`: stored where they are many, so
    one query reads them; else counted, one query more."""
    key = f"{STORED_SALARIES}:{role.pk}"
    stored = stored_counts.read(postings.db, key)
    if stored is not None:
        return stored["total"], [SalaryGroup.from_json(group) for group in stored["groups"]]
    total, groups = explainer_salaries(postings)
    if total >= SALARIES_STORED_FROM:
        counts = {"total": total, "groups": [group.as_json() for group in groups]}
        stored_counts.write(postings.db, key, counts)
    return total, groups


def as_text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def as_decimal(amount: str | None) -> Decimal | None:
    return None if amount is None else Decimal(amount)


def headline_salaries(groups: list[SalaryGroup]) -> PostingSalaries | None:
    """What the explainer's pay line quotes: the full-time range in the currency most
    postings give, where enough give one."""
    full = [s for group in groups if group.kind == JobKind.FULL for s in group.salaries]
    return next((salaries for salaries in full if salaries.has_range), None)


@require_safe
@public_page(reads=tuple(RoleFilter.base_filters))
def role_directory(request: HttpRequest) -> TemplateResponse:
    # Each role's open jobs as the search page counts them (the role facet of /jobs/ with
    # nothing searched): estimated on a large site, so the directory never counts them all.
    tally = facets.open_jobs(Posting.objects.public())
    roles = (
        Role.objects.published()
        .only("title", "slug", "abbreviation", "function", "level", "brief_answer")
        .order_by("title", "pk")
    )
    role_filter = RoleFilter(request.GET or None, queryset=roles)
    by_level: dict[str, list[Role]] = {value: [] for value in Level.values}
    for role in role_filter.qs:
        role.open_postings = tally.count("role", role.pk)
        role.open_postings_text = tally.figure(role.open_postings)
        by_level.setdefault(role.level, []).append(role)
    groups = [
        {"label": Level(value).label, "value": value, "roles": members}
        for value, members in by_level.items()
        if members
    ]
    return TemplateResponse(
        request,
        "roles/role_list.html",
        {
            "filter": role_filter,
            "groups": groups,
            "role_count": sum(len(group["roles"]) for group in groups),
            "is_filtered": role_filter.is_bound and role_filter.form.is_valid(),
        },
    )


# Longer than any slug or title made into one: no role answers to it.
MAX_ADDRESS_LENGTH = Role._meta.get_field("slug").max_length or 0


@require_safe
@public_page(reads=("area",))
def role_explainer(request: HttpRequest, slug: str) -> HttpResponseBase:
    try:
        role = Role.objects.published().select_related("explainer").get(slug=slug)
    except Role.DoesNotExist:
        # What people type: /roles/coo/, /roles/COO/, an alternate title. One more query.
        named = None
        if len(slug) <= MAX_ADDRESS_LENGTH:
            named = Role.objects.published().at_address(slug)
        if named is None:
            raise Http404("No published role has this address.") from None
        return redirect(named, permanent=True)
    explainer = explainer_for(role)
    sections = explainer.fragments()
    wages = wages_for(role.wage_soc_code)
    asked = request.GET.getlist("area")
    national = asked in ([], [""], [NATION])
    area = "" if national or len(asked) > 1 else asked[0]
    # The national page's area choice is stored with the explainer; an area's page reads it
    # with the area's figures, in the same one query.
    area_pay = pay_by_area(wages.soc_code, area) if wages and not national else None
    options = area_options(area_pay) if area_pay else sections["area_options"]
    # A page per area the section offers; any other value (a code it does not know, two
    # areas) is answered with the nation's figures and a note, and not stored: the page
    # cache would keep as many copies as values people send.
    unknown_area = not national and (area_pay is None or area_pay.area is None)

    postings = Posting.objects.public().for_role(role)
    open_postings = list(
        postings.newest_first()
        .select_related("organisation")
        .only(*RESULT_FIELDS)[:OPEN_POSTING_COUNT]
    )
    open_count, salaries = role_salaries(role, postings)

    url = absolute_url(role.get_absolute_url())
    response = TemplateResponse(
        request,
        "roles/role_detail.html",
        {
            "role": role,
            **presentation.explainer_heading(role),
            "sections": sections,
            "open_postings": open_postings,
            "open_count": open_count,
            "salaries": salaries,
            "headline_salaries": headline_salaries(salaries),
            "range_postings": RANGE_POSTINGS,
            "wages": wages,
            "area_pay": area_pay,
            "area_options": options,
            "unknown_area": unknown_area,
            "source": SOURCE,
            "source_url": SOURCE_URL,
            "area_rows": (
                side_by_side(area_pay.wages, wages) if wages and area_pay and area_pay.wages else []
            ),
            "json_ld": explainer.occupation(url=url),
            "breadcrumbs": [
                Crumb("Roles", reverse("roles:role_directory")),
                Crumb(role.title, role.get_absolute_url()),
            ],
        },
    )
    if unknown_area:
        keep_until(response, timezone.now())
    return expires_with(response, open_postings)


@require_safe
@public_page(reads=("a", "b"))
def role_compare_picker(request: HttpRequest) -> HttpResponseBase:
    """Two selects leading to the comparison of the roles chosen."""
    roles = Role.objects.published().only("title", "slug", "abbreviation").order_by("title", "pk")
    form = RolePairForm(request.GET or None, roles=roles)
    if form.is_valid():
        return redirect(compare_url(*form.pair()))
    return TemplateResponse(
        request,
        "roles/role_compare_picker.html",
        {"form": form, "canonical_url": absolute_url(request.path)},
        status=HTTPStatus.BAD_REQUEST if form.is_bound else HTTPStatus.OK,
    )


@require_safe
@public_page
def role_compare(request: HttpRequest, pair: str) -> TemplateResponse:
    # Both orders render, each with the reader's choice on the left; the canonical link
    # names the one with the slugs in alphabetical order, so search engines see one page.
    if len(pair) > MAX_PAIR_LENGTH:
        raise Http404("No two roles have addresses this long.")
    splits = split_pair(pair)
    slugs = {slug for split in splits for slug in split}
    found = {
        role.slug: role for role in Role.objects.published().with_parts().filter(slug__in=slugs)
    }
    load_routes(found.values())
    try:
        a, b = next((found[a], found[b]) for a, b in splits if a != b and a in found and b in found)
    except StopIteration:
        raise Http404(
            "Compare two different published roles: /roles/compare/<a>-vs-<b>/."
        ) from None

    rows = salary_ranges(Posting.objects.public().filter(role__in=[a, b]), by_role=True)
    openings = []
    for role in (a, b):
        open_count, ranges = salary_summary([row for row in rows if row["role_id"] == role.pk])
        openings.append({"role": role, "open_count": open_count, "salary_ranges": ranges})
    comparison = presentation.compare(a, b)
    first, second = sorted((a, b), key=lambda role: role.slug)
    return TemplateResponse(
        request,
        "roles/role_compare.html",
        {
            "comparison": comparison,
            "a": comparison.a,
            "b": comparison.b,
            "sides": [comparison.a, comparison.b],
            "openings": openings,
            "wage_source": SOURCE,
            "wage_source_url": SOURCE_URL,
            "canonical_url": absolute_url(compare_url(first, second)),
            "swap_url": compare_url(b, a),
            "page_title": compare_title(a, b),
            "breadcrumbs": [
                Crumb("Roles", reverse("roles:role_directory")),
                Crumb(f"{a.short_title} vs {b.short_title}", compare_url(a, b)),
            ],
        },
    )
