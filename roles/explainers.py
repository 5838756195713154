"""A role's explainer, rendered when roles are written and stored as data.

What an explainer shows of the role alone (its sections, contents, "also called" line, wage
table, the areas its pay section offers, and Occupation JSON-LD) comes from the role, its
parts, its routes to other roles and the wage tables: eight queries and most of the page's
rendering. It changes only when a role or a part of one is written (or the wage tables are
loaded), so it is rendered then and stored in `Explainer` rows, and the page reads one row
beside the role and renders only what changes with postings.

Never stale:

- A write to any roles model (a save, a delete, an `update()` or a bulk write, whatever sends
  it: the admin, `load_roles`, a restore) deletes every stored explainer in the writer's own
  transaction (`out_of_date`), since a role's title shows on its neighbours' explainers, and
  renders them all again once that commits. Between the two, a page finds no row and renders
  the same fragments itself, from the rows it reads.
- A page that renders its own never stores them: it may have read rows an uncommitted edit
  is replacing.
- Code changes (templates, wording, the wage table) reach stored explainers when they are
  all rendered again after every `migrate` (post_migrate), which a deploy runs. With
  DJANGO_DEBUG on, pages always render their own, so a template edit shows at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, models, router, transaction
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string

from jobsite.caching import once_committed
from roles import presentation
from roles.jsonld import occupation_json_ld
from roles.models import (
    LINKED_ROLE_FIELDS,
    ROLE_PARTS,
    CareerStep,
    Explainer,
    ReportingLine,
    Role,
    load_routes,
    part_prefetches,
)
from roles.wages import AreaPay, IndustryPay, area_choices, top_industries, wages_for

# Roles of the same function listed among the related roles, when its neighbours are few.
SAME_FUNCTION_COUNT = 6
# The fragments made from the explainer's context, by the Explainer column that stores each,
# and the template that makes it.
TEMPLATES = {
    "also_called_html": "roles/includes/_explainer_also_called.html",
    "contents_html": "roles/includes/_explainer_contents.html",
    "about_html": "roles/includes/_explainer_about.html",
    "wages_html": "roles/includes/_wages.html",
    "more_html": "roles/includes/_explainer_more.html",
}
AREA_OPTIONS = "roles/includes/_pay_area_options.html"


def explainer_for(role: Role) -> Explainer:
    """The role's stored explainer, or, where none is stored (or in debug mode), one
    rendered now and not stored. `role` comes with `select_related("explainer")`."""
    if not settings.DEBUG:
        try:
            return role.explainer
        except Explainer.DoesNotExist:
            pass
    prefetch_related_objects([role], *part_prefetches())
    load_routes([role])
    return render(role, same_function_of(role))


def same_function_of(role: Role) -> models.QuerySet[Role]:
    """The first few published roles of the role's function that are not its neighbours."""
    return (
        Role.objects.published()
        .filter(function=role.function)
        .exclude(pk__in=neighbours(role))
        .only(*LINKED_ROLE_FIELDS)[:SAME_FUNCTION_COUNT]
    )


def preview_explainer(role: Role, formsets: Iterable[Any]) -> Explainer:
    """The explainer an unsaved edit in the admin would make, stored nowhere: `role` holds
    the edited fields, and the admin's validated inline `formsets` its parts and the routes
    it declares (who it reports to, where it leads); routes other roles declare are read as
    stored. Draft roles at the far end of a route are left out, as on the public page."""
    role.derive()
    rows: dict[type[models.Model], list[Any]] = {}
    for formset in formsets:
        rows[formset.model] = sorted(
            (form.instance for form in kept_forms(formset)),
            key=lambda row: (row.order, row.pk or 0),
        )
    for name, model in ROLE_PARTS.items():
        parts = rows.get(model, [])
        for part in parts:
            part.derive()
        prefetched = role.__dict__.setdefault("_prefetched_objects_cache", {})
        prefetched[name] = preloaded(model, parts)
    load_routes([role])
    if ReportingLine in rows:
        role.manager_lines = [line for line in rows[ReportingLine] if line.manager.is_published]
    if CareerStep in rows:
        role.next_steps = [step for step in rows[CareerStep] if step.to_role.is_published]
    # The preview shows the role's own sections, not the pay section's area choice.
    return render(role, same_function_of(role), options={})


def kept_forms(formset: Any) -> list[Any]:
    """The forms of a valid formset that stand for rows after the save: not marked for
    deletion, and not an extra form left empty."""
    deleted = {id(form) for form in formset.deleted_forms} if formset.can_delete else set()
    return [
        form
        for form in formset.forms
        if id(form) not in deleted and (form.instance.pk is not None or form.has_changed())
    ]


def preloaded(model: type[models.Model], rows: list[Any]) -> models.QuerySet:
    """A queryset that answers with `rows` without a query, as a prefetch leaves one."""
    queryset: Any = model._default_manager.all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def neighbours(role: Role) -> set[int]:
    """The role and the roles its routes link it to, by primary key."""
    return {role.pk, *(item.role.pk for item in presentation.related_roles(role))}


def render(
    role: Role,
    same_function: Iterable[Role],
    industries: dict[str, list[IndustryPay]] | None = None,
    options: dict[str, str] | None = None,
) -> Explainer:
    """The explainer of a role fetched with its parts and routes. Its related roles are its
    neighbours, then the first few of `same_function` (published roles of its function, in
    the directory's order) that are not among them. `industries`: `top_industries` of the
    roles' occupations, and `options` their `national_options`: each read here (one query)
    when not given."""
    related = presentation.related_roles(role)
    taken = neighbours(role)
    others = [other for other in same_function if other.pk not in taken]
    related += presentation.also_in_function(role, others[:SAME_FUNCTION_COUNT])
    wages = wages_for(role.wage_soc_code)
    context = presentation.explainer_context(role, related, wages)
    area_options_html = ""
    if wages is not None:
        if industries is None:
            industries = top_industries([wages.soc_code])
        context["industries"] = industries.get(wages.soc_code, [])
        if options is None:
            options = national_options([wages.soc_code])
        area_options_html = options.get(wages.soc_code, "")
    # The pay section's part: the wage table, or where the role shows none, how it is paid.
    has_pay = wages is not None or bool(role.pay_note)
    fragments = {
        column: render_to_string(template, context) if column != "wages_html" or has_pay else ""
        for column, template in TEMPLATES.items()
    }
    json_ld = json.dumps(occupation_json_ld(role, wages=wages), cls=DjangoJSONEncoder)
    return Explainer(role=role, json_ld=json_ld, area_options_html=area_options_html, **fragments)


def area_options(pay: AreaPay) -> str:
    """The options of the pay section's area select, `pay.asked` selected; "" where it offers
    no area. Stored with the explainer for the national page; an area's page renders its own."""
    if not pay.choices:
        return ""
    return render_to_string(
        AREA_OPTIONS, {"states": pay.states, "metros": pay.metros, "asked": pay.asked}
    )


def national_options(soc_codes: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The `area_options` of each SOC occupation's national page, no area asked: one query,
    and one rendering an occupation however many roles share it."""
    return {code: area_options(pay) for code, pay in area_choices(soc_codes, using=using).items()}


def render_explainers(using: str = DEFAULT_DB_ALIAS) -> int:
    """Render every published role's explainer and store them, in one transaction; drop
    those of roles no longer published. Returns how many are stored."""
    roles = list(Role.objects.using(using).published().with_parts())
    load_routes(roles)
    everyone = list(Role.objects.using(using).published().only(*LINKED_ROLE_FIELDS))
    occupations = {wages.soc_code for role in roles if (wages := wages_for(role.wage_soc_code))}
    industries = top_industries(occupations, using=using)
    options = national_options(occupations, using=using)
    explainers = [
        render(
            role,
            [other for other in everyone if other.function == role.function],
            industries,
            options,
        )
        for role in roles
    ]
    with transaction.atomic(using=using):
        stored = Explainer.objects.using(using)
        stored.exclude(role__in=[role.pk for role in roles]).delete()
        stored.bulk_create(
            explainers,
            update_conflicts=True,
            unique_fields=["role"],
            update_fields=[*Explainer.FRAGMENTS, "json_ld", "rendered_at"],
        )
    return len(explainers)


def out_of_date(using: str) -> None:
    """A role or a part of one was written on `using`: delete the stored explainers in the
    writer's transaction, and render them all again once it commits (once, however many
    rows it writes)."""
    Explainer.objects.using(using).all().delete()
    # Robust: a failure leaves the rows missing, which pages render for themselves.
    once_committed(render_explainers, using, robust=True)


def render_after_migrate(using: str, **kwargs: Any) -> None:
    """post_migrate's receiver: the code that rendered the stored explainers may be older.
    Not on a database that holds no roles (the cache's own, on SQLite)."""
    if router.allow_migrate_model(using, Explainer):
        render_explainers(using)
