"""Public role pages: the directory, explainers and comparisons."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from jobsite.caching import expires_with, public_page
from jobsite.origin import absolute_url
from postings import occupation
from postings.display import LISTING_FIELDS
from postings.filters import PostingFilter
from postings.models import Posting, PostingQuerySet
from roles.filters import RoleFilter
from roles.models import Level, Role, load_routes
from roles.wages import SOURCE, SOURCE_URL, OccupationWages, wages_for

OPEN_POSTING_COUNT = 5
SAME_FUNCTION_COUNT = 6
COMPARE_SEPARATOR = "-vs-"
MAX_PAIR_LENGTH = 2 * Role._meta.get_field("slug").max_length + len(COMPARE_SEPARATOR)


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


@dataclass
class RelatedRole:
    role: Role
    relation: str
    compare_url: str = ""


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


def related_roles(role: Role) -> list[RelatedRole]:
    """Neighbours by reporting line and career step, labelled with how they relate."""
    related: dict[int, RelatedRole] = {}

    def add(other: Role, relation: str) -> None:
        if other.pk != role.pk and other.pk not in related:
            related[other.pk] = RelatedRole(other, relation, compare_url(role, other))

    for manager in occupation.managers(role):
        add(manager, f"The {role.short_title} reports to this role")
    for report in occupation.direct_reports(role):
        add(report, f"Reports to the {role.short_title}")
    for step in role.next_steps:
        add(step.to_role, "A next step from this role")
    for step in role.previous_steps:
        add(step.from_role, "A role people come from")
    return list(related.values())


@require_safe
@public_page(reads=tuple(RoleFilter.base_filters))
def role_directory(request: HttpRequest) -> TemplateResponse:
    # Each role's open jobs as the search page counts them (the role facet of /jobs/ with
    # nothing searched): estimated on a large site, so the directory never counts them all.
    tally = PostingFilter(QueryDict(), queryset=Posting.objects.public()).tally
    roles = (
        Role.objects.published()
        .only("title", "slug", "abbreviation", "function", "level", "brief_answer")
        .order_by("title", "pk")
    )
    role_filter = RoleFilter(request.GET or None, queryset=roles)
    by_level: dict[str, list[Role]] = {value: [] for value in Level.values}
    for role in role_filter.qs:
        role.open_postings = tally.role.get(role.pk, 0)
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


@require_safe
@public_page
def role_explainer(request: HttpRequest, slug: str) -> TemplateResponse:
    try:
        role = Role.objects.published().with_parts().get(slug=slug)
    except Role.DoesNotExist:
        raise Http404("No published role has this address.") from None
    load_routes([role])

    related = related_roles(role)
    same_function = (
        Role.objects.published()
        .filter(function=role.function)
        .exclude(pk__in=[role.pk, *(item.role.pk for item in related)])
        .only("title", "slug", "abbreviation", "level", "function")[:SAME_FUNCTION_COUNT]
    )
    related += [
        RelatedRole(
            other, f"Also in {role.get_function_display().lower()}", compare_url(role, other)
        )
        for other in same_function
    ]

    postings = Posting.objects.public().for_role(role)
    open_postings = list(
        postings.newest_first()
        .select_related("organisation")
        .only(*LISTING_FIELDS)[:OPEN_POSTING_COUNT]
    )
    open_count, ranges = salary_summary(salary_ranges(postings))

    wages = wages_for(role.wage_soc_code)
    url = absolute_url(role.get_absolute_url())
    response = TemplateResponse(
        request,
        "roles/role_detail.html",
        {
            "role": role,
            "page_title": occupation.explainer_title(role),
            "question": occupation.explainer_question(role),
            "meta_description": occupation.cut_on_word(role.brief_answer),
            "areas": bool(role.responsibilities.all()),
            "faqs": bool(role.faqs.all()),
            "related": bool(related),
            "sections": explainer_sections(role, related, wages),
            "open_postings": open_postings,
            "open_count": open_count,
            "salary_ranges": ranges,
            "json_ld": occupation.occupation_json_ld(role, url=url, wages=wages),
        },
    )
    return expires_with(response, open_postings)


# The explainer's sections that depend on the role alone, as last rendered for each role,
# with the content they were rendered from. Roles are a curated few dozen; the bound only
# keeps a worker's memory small should that change.
_rendered_sections: dict[int, tuple[tuple, dict[str, SafeString]]] = {}
RENDERED_SECTIONS_ROLES = 200


def explainer_sections(
    role: Role, related: list[RelatedRole], wages: OccupationWages | None
) -> dict[str, SafeString]:
    """The explainer's role-only sections as HTML: rendered again only when something they
    show has changed. The key is that content itself (every field of the role, its parts,
    its neighbours and the related roles, and the URL prefix), so an edit is a new key and
    the page can never be stale, whatever the page cache does."""
    key = (get_script_prefix(), occupation.content_key(role), related_key(related))
    last = _rendered_sections.get(role.pk)
    if last is not None and last[0] == key:
        return last[1]
    context = {
        "role": role,
        "areas": occupation.responsibilities_by_area(role),
        "qualifications": occupation.qualifications(role),
        "education": occupation.education_sentence(role),
        "experience": occupation.experience_phrase(role),
        "managers": occupation.managers(role),
        "direct_reports": occupation.direct_reports(role),
        "steps_in": role.previous_steps,
        "steps_out": role.next_steps,
        "faqs": list(role.faqs.all()),
        "related": related,
        "wages": wages,
        "wage_rows": occupation.wage_percentiles(wages) if wages else [],
        "source": SOURCE,
        "source_url": SOURCE_URL,
        "sources": [line.strip() for line in role.sources.splitlines() if line.strip()],
    }
    sections = {
        name: render_to_string(template, context) if template else SafeString()
        for name, template in [
            ("about", "roles/includes/_explainer_about.html"),
            ("wages", "roles/includes/_wages.html" if wages else ""),
            ("more", "roles/includes/_explainer_more.html"),
        ]
    }
    if len(_rendered_sections) >= RENDERED_SECTIONS_ROLES:
        _rendered_sections.clear()
    _rendered_sections[role.pk] = (key, sections)
    return sections


def related_key(related: list[RelatedRole]) -> tuple:
    return tuple((occupation.row(item.role), item.relation, item.compare_url) for item in related)


def split_pair(pair: str) -> list[tuple[str, str]]:
    """Every way to read "<a>-vs-<b>" as two slugs (a slug may itself contain "-vs-")."""
    splits = []
    start = pair.find(COMPARE_SEPARATOR)
    while start != -1:
        a, b = pair[:start], pair[start + len(COMPARE_SEPARATOR) :]
        if a and b:
            splits.append((a, b))
        start = pair.find(COMPARE_SEPARATOR, start + 1)
    return splits


def compare_url(a: Role, b: Role) -> str:
    return reverse("postings:role_compare", kwargs={"pair": f"{a.slug}{COMPARE_SEPARATOR}{b.slug}"})


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
    sides = []
    for role in (a, b):
        wages = wages_for(role.wage_soc_code)
        open_count, ranges = salary_summary([row for row in rows if row["role_id"] == role.pk])
        sides.append(
            {
                "role": role,
                "full_name": occupation.full_name(role),
                "areas": occupation.responsibilities_by_area(role),
                "qualifications": occupation.qualifications(role),
                "education": occupation.education_sentence(role),
                "education_level": occupation.education_level_phrase(role),
                "experience": occupation.experience_phrase(role),
                "managers": occupation.managers(role),
                "direct_reports": occupation.direct_reports(role),
                "wages": wages,
                "open_count": open_count,
                "salary_ranges": ranges,
            }
        )
    first, second = sorted((a, b), key=lambda role: role.slug)
    wages_a, wages_b = sides[0]["wages"], sides[1]["wages"]
    return TemplateResponse(
        request,
        "roles/role_compare.html",
        {
            "a": sides[0],
            "b": sides[1],
            "sides": sides,
            "comparison": occupation.compare(a, b),
            "same_occupation": bool(wages_a and wages_b and wages_a.soc_code == wages_b.soc_code),
            "wage_source": SOURCE,
            "wage_source_url": SOURCE_URL,
            "canonical_url": absolute_url(compare_url(first, second)),
            "swap_url": compare_url(b, a),
        },
    )
