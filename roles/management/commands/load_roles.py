"""Load the role content in roles/content/ into the database, safely and repeatably.

Each JSON file there describes one role, its parts (alternate titles, responsibilities,
qualifications, FAQs) and its relations (whom it reports to, where it leads). What is missing
is added. A role that already exists takes the file's corrections only where it still holds
what the content last wrote (roles/seeding.py): a field, a kind of part, a reporting line or
career step an editor changed in the admin keeps the editor's version, so edits survive every
`make run`. Every role written gets a version in its history (django-reversion), the first one
included, so an editor can revert a correction as well as their own change.

The BLS wage tables (roles/data/) are loaded too (`load_wages`), unless they hold the files'
version already.

`shorthand.json` there maps what job seekers type ("ops", "vp") to what the search reads
it as ("operations", "vice president"). Like a role, a term that already exists keeps the
meaning an editor gave it in the admin.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import reversion
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Prefetch
from reversion.models import Version

from jobsite.text import fold
from roles import seeding
from roles.models import (
    ROLE_PARTS,
    CareerStep,
    ReportingLine,
    Role,
    RoleRow,
    Shorthand,
    part_prefetches,
)

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
# The one file in the content folder that is not a role.
SHORTHAND_FILE = "shorthand.json"

# Parts are numbered in steps of ten so an editor can slot a new one in between in the admin.
ORDER_STEP = 10

# A file's keys that are the role's own fields: its slug, and those the content corrects.
ROLE_FIELDS = {"slug", *seeding.FIELDS}
PART_KEYS = set(ROLE_PARTS)
RELATION_KEYS = {"reports_to", "career_steps"}
REQUIRED_KEYS = {"slug", "title", "function", "level", "brief_answer"}
ITEM_KEYS = {
    "responsibilities": ({"area", "text"}, set()),
    "qualifications": ({"kind", "text"}, {"required"}),
    "faqs": ({"question", "answer"}, set()),
    "reports_to": ({"manager"}, {"typical"}),
    "career_steps": ({"to_role"}, {"typical_years", "note"}),
}


class ContentError(CommandError):
    pass


@dataclass
class Report:
    roles: list[str] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)
    reporting_lines: list[str] = field(default_factory=list)
    career_steps: list[str] = field(default_factory=list)
    shorthand: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_content(directory: Path) -> list[dict[str, Any]]:
    """Every role document in `directory`, checked for shape (not yet for values)."""
    if not directory.is_dir():
        raise ContentError(f"No role content folder at {directory}.")
    documents = []
    for path in sorted(directory.glob("*.json")):
        if path.name == SHORTHAND_FILE:
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ContentError(f"{path.name}: not valid JSON ({error}).") from error
        _check_shape(path.name, document)
        if document["slug"] != path.stem:
            raise ContentError(
                f"{path.name}: the file name must be the slug ({document['slug']}.json)."
            )
        documents.append(document)
    if not documents:
        raise ContentError(f"No role files (*.json) in {directory}.")
    return documents


def read_shorthand(directory: Path) -> dict[str, str]:
    """The shorthand file's terms and meanings, folded and checked; {} when there is none."""
    path = directory / SHORTHAND_FILE
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ContentError(f"{SHORTHAND_FILE}: not valid JSON ({error}).") from error
    if not isinstance(document, dict) or not all(
        isinstance(value, str) for value in document.values()
    ):
        raise ContentError(f"{SHORTHAND_FILE}: expected one object of terms and their meanings.")
    terms = {fold(term): meaning.strip() for term, meaning in document.items()}
    if "" in terms or not all(terms.values()):
        raise ContentError(f"{SHORTHAND_FILE}: every term needs words and a meaning.")
    return terms


@transaction.atomic
def load_shorthand(terms: dict[str, str], report: Report) -> None:
    """Create the terms that do not exist yet; an existing term keeps its meaning."""
    existing = set(Shorthand.objects.filter(term__in=terms).values_list("term", flat=True))
    for term, meaning in terms.items():
        if term in existing:
            continue
        shorthand = Shorthand(term=term, meaning=meaning)
        _validate(shorthand, SHORTHAND_FILE)
        shorthand.save()
        report.shorthand.append(str(shorthand))


def _check_shape(name: str, document: Any) -> None:
    if not isinstance(document, dict):
        raise ContentError(f"{name}: expected one JSON object per file.")
    unknown = document.keys() - ROLE_FIELDS - PART_KEYS - RELATION_KEYS
    if unknown:
        raise ContentError(f"{name}: unknown keys {sorted(unknown)}.")
    missing = REQUIRED_KEYS - document.keys()
    if missing:
        raise ContentError(f"{name}: missing keys {sorted(missing)}.")
    for key in PART_KEYS | RELATION_KEYS:
        if not isinstance(document.get(key, []), list):
            raise ContentError(f"{name}: {key} must be a list.")
    for title in document.get("alternate_titles", []):
        if not isinstance(title, str):
            raise ContentError(f"{name}: alternate_titles must be strings.")
    for key, (required, optional) in ITEM_KEYS.items():
        for position, item in enumerate(document.get(key, []), start=1):
            _check_item(f"{name}: {key} #{position}", item, required, optional)


def _check_item(where: str, item: Any, required: set[str], optional: set[str]) -> None:
    if not isinstance(item, dict):
        raise ContentError(f"{where}: expected an object.")
    unknown_keys = item.keys() - required - optional
    if unknown_keys:
        raise ContentError(f"{where}: unknown keys {sorted(unknown_keys)}.")
    if required - item.keys():
        raise ContentError(f"{where}: missing keys {sorted(required - item.keys())}.")


def _text(value: Any, separator: str) -> str:
    """A text field written either as a string or, for readability, as a list of lines."""
    if value is None:
        return ""
    if isinstance(value, list):
        return separator.join(str(line).strip() for line in value)
    return str(value)


def build_role(document: dict[str, Any]) -> Role:
    values = {key: document[key] for key in ROLE_FIELDS if key in document}
    values["overview"] = _text(values.get("overview"), "\n\n")
    values["fields_of_study"] = _text(values.get("fields_of_study"), ", ")
    values["sources"] = _text(values.get("sources"), "\n")
    for key in ("abbreviation", "onet_soc_code", "isco_code"):
        values[key] = values.get(key) or ""
    return Role(**values)


# What each kind of part takes from its entry in a role's document; its order comes from
# the entry's place in the list.
PART_VALUES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "alternate_titles": lambda title: {"title": title},
    "responsibilities": lambda item: {"area": item["area"], "text": item["text"]},
    "qualifications": lambda item: {
        "kind": item["kind"],
        "text": item["text"],
        "is_required": item.get("required", True),
    },
    "faqs": lambda item: {"question": item["question"], "answer": item["answer"]},
}


def build_parts(role: Role, document: dict[str, Any]) -> list[RoleRow]:
    parts = []
    for key, values in PART_VALUES.items():
        for position, item in enumerate(document.get(key, []), start=1):
            fields = {"role": role, "order": position * ORDER_STEP, **values(item)}
            parts.append(ROLE_PARTS[key](**fields))
    return parts


def _validate(instance: Any, source: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ContentError(f"{source}: {instance.__class__.__name__}: {error}") from error


def document_routes(
    document: dict[str, Any],
) -> tuple[dict[str, ReportingLine], dict[str, CareerStep]]:
    """The reporting lines and career steps a file declares, unsaved, by the slug at their
    other end."""
    lines = {
        item["manager"]: ReportingLine(
            is_typical=item.get("typical", True), order=position * ORDER_STEP
        )
        for position, item in enumerate(document.get("reports_to", []), start=1)
    }
    steps = {
        item["to_role"]: CareerStep(
            note=item.get("note", ""),
            typical_years=item.get("typical_years"),
            order=position * ORDER_STEP,
        )
        for position, item in enumerate(document.get("career_steps", []), start=1)
    }
    return lines, steps


def stored_values(role: Role) -> dict[str, Any]:
    """What `seeding.values_of` reads from a role fetched by `existing_roles`."""
    parts = [part for name in ROLE_PARTS for part in getattr(role, name).all()]
    lines = {line.manager.slug: line for line in role.reporting_lines.all()}
    steps = {step.to_role.slug: step for step in role.steps_out.all()}
    return seeding.values_of(role, parts, lines, steps)


def existing_roles(slugs: set[str]) -> dict[str, Role]:
    """The roles of these slugs with their parts and the routes they declare: one query per
    kind, whatever their number."""
    roles = Role.objects.filter(slug__in=slugs).prefetch_related(
        *part_prefetches(),
        Prefetch(
            "reporting_lines",
            ReportingLine.objects.select_related("manager").order_by("order", "pk"),
        ),
        Prefetch("steps_out", CareerStep.objects.select_related("to_role").order_by("order", "pk")),
    )
    return {role.slug: role for role in roles}


def record_first_versions(roles: list[Role]) -> None:
    """Give every role without a version in its history one of what it holds now, before
    the load writes to it: so the first change, a correction or an editor's, can be
    reverted. Roles loaded before the history existed had none."""
    if not roles or not reversion.is_registered(Role):
        return
    versioned = set(
        Version.objects.get_for_model(Role)
        .filter(object_id__in=[str(role.pk) for role in roles])
        .values_list("object_id", flat=True)
    )
    unversioned = [role for role in roles if str(role.pk) not in versioned]
    if not unversioned:
        return
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment("The role as it stood when its history began.")
        for role in unversioned:
            reversion.add_to_revision(role)


# How a report names what a correction wrote.
def _label(key: str) -> str:
    if key.startswith(seeding.LINE_PREFIX):
        return f"reports to {key.removeprefix(seeding.LINE_PREFIX)}"
    if key.startswith(seeding.STEP_PREFIX):
        return f"career step to {key.removeprefix(seeding.STEP_PREFIX)}"
    return key.replace("_", " ")


def correct(role: Role, document: dict[str, Any], report: Report) -> bool:
    """Write the file's values over those of `role` that still hold what the content last
    wrote; keep an editor's. True when anything was written."""
    source = f"{document['slug']}.json"
    built = build_role(document)
    parts = build_parts(built, document)
    lines, steps = document_routes(document)
    theirs = seeding.values_of(built, parts, lines, steps)
    decided = seeding.plan(role.seeded, stored_values(role), theirs)
    if decided.kept:
        report.warnings.append(
            f"Kept the admin's edits to {role.title} where the content changed too: "
            f"{', '.join(_label(key) for key in decided.kept)}."
        )
    fields = [key for key in decided.write if key in seeding.FIELDS]
    for name in fields:
        setattr(role, name, getattr(built, name))
    if fields:
        _validate(role, source)
    if fields or decided.seeded != role.seeded:
        role.seeded = decided.seeded
        role.save(update_fields=[*fields, "seeded", "updated_at"])
    for key in decided.write:
        if key in ROLE_PARTS:
            _replace_parts(role, key, [part for part in parts if isinstance(part, ROLE_PARTS[key])])
        elif seeding.is_route(key):
            _correct_route(role, key, lines, steps, source)
    if decided.write:
        report.corrected.append(f"{role.title} ({', '.join(_label(key) for key in decided.write)})")
    return bool(decided.write)


def _replace_parts(role: Role, key: str, parts: list[Any]) -> None:
    model: Any = ROLE_PARTS[key]
    model.objects.filter(role=role).delete()
    for part in parts:
        part.role = role
        _validate(part, f"{role.slug}.json")
    model.objects.bulk_create(parts)


def _correct_route(
    role: Role,
    key: str,
    lines: dict[str, ReportingLine],
    steps: dict[str, CareerStep],
    source: str,
) -> None:
    if key.startswith(seeding.LINE_PREFIX):
        names: tuple[str, ...] = seeding.LINE_FIELDS
        slug = key.removeprefix(seeding.LINE_PREFIX)
        stored = next(line for line in role.reporting_lines.all() if line.manager.slug == slug)
        wanted: ReportingLine | CareerStep | None = lines.get(slug)
    else:
        names = seeding.STEP_FIELDS
        slug = key.removeprefix(seeding.STEP_PREFIX)
        stored = next(step for step in role.steps_out.all() if step.to_role.slug == slug)
        wanted = steps.get(slug)
    if wanted is None:
        stored.delete()  # Gone from the file, and never edited: gone from the site.
        return
    for name in names:
        setattr(stored, name, getattr(wanted, name))
    _validate(stored, source)
    stored.save(update_fields=list(names))


@transaction.atomic
def load_roles(documents: list[dict[str, Any]]) -> Report:
    """Create the roles, parts and relations that do not exist yet, and correct what the
    content wrote and no editor changed since; touch nothing else."""
    report = Report()
    declared = {document["slug"] for document in documents}
    existing = existing_roles(declared)
    titles = dict(Role.objects.exclude(slug__in=declared).values_list("title", "slug"))
    record_first_versions(list(existing.values()))

    roles = dict(existing)
    written: list[Role] = []
    with reversion.create_revision(manage_manually=True):
        reversion.set_comment("Written from the shipped role content (load_roles).")
        for document in documents:
            slug, source = document["slug"], f"{document['slug']}.json"
            if slug in existing:
                if correct(existing[slug], document, report):
                    written.append(existing[slug])
                continue
            if document["title"] in titles:
                # An editor renamed this role's slug in the admin: their version wins.
                report.warnings.append(
                    f"Skipped {slug}: a role titled {document['title']!r} already exists "
                    f"as {titles[document['title']]}."
                )
                continue
            role = build_role(document)
            parts: list[Any] = build_parts(role, document)
            role.seeded = seeding.digests(
                seeding.values_of(role, parts, *document_routes(document))
            )
            _validate(role, source)
            role.save()
            for part in parts:
                part.role = role  # Saved now: the part takes its id.
                _validate(part, source)
            for model in ROLE_PARTS.values():
                model.objects.bulk_create([part for part in parts if isinstance(part, model)])
            roles[slug] = role
            written.append(role)
            report.roles.append(
                f"{role.title} ({len(document.get('responsibilities', []))} responsibilities, "
                f"{len(document.get('qualifications', []))} qualifications, "
                f"{len(document.get('faqs', []))} FAQs)"
            )

        _load_relations(documents, roles, declared, report)
        if reversion.is_registered(Role):
            for role in written:
                # Its parts and routes as they are now, not as a prefetch read them before.
                role.__dict__.pop("_prefetched_objects_cache", None)
                reversion.add_to_revision(role)
    return report


def _load_relations(
    documents: list[dict[str, Any]], roles: dict[str, Role], declared: set[str], report: Report
) -> None:
    referenced = {item["manager"] for d in documents for item in d.get("reports_to", [])} | {
        item["to_role"] for d in documents for item in d.get("career_steps", [])
    }
    roles.update(
        (role.slug, role) for role in Role.objects.filter(slug__in=referenced - roles.keys())
    )
    unknown = referenced - declared - roles.keys()
    if unknown:
        raise ContentError(f"Relations name roles that exist nowhere: {sorted(unknown)}.")

    lines = set(ReportingLine.objects.values_list("role__slug", "manager__slug"))
    steps = set(CareerStep.objects.values_list("from_role__slug", "to_role__slug"))
    for document in documents:
        slug, source = document["slug"], f"{document['slug']}.json"
        for position, item in enumerate(document.get("reports_to", []), start=1):
            pair = (slug, item["manager"])
            if pair in lines or not (slug in roles and item["manager"] in roles):
                continue
            line = ReportingLine(
                role=roles[slug],
                manager=roles[item["manager"]],
                is_typical=item.get("typical", True),
                order=position * ORDER_STEP,
            )
            _validate(line, source)
            line.save()
            lines.add(pair)
            report.reporting_lines.append(str(line))
        for position, item in enumerate(document.get("career_steps", []), start=1):
            pair = (slug, item["to_role"])
            if pair in steps or not (slug in roles and item["to_role"] in roles):
                continue
            step = CareerStep(
                from_role=roles[slug],
                to_role=roles[item["to_role"]],
                note=item.get("note", ""),
                typical_years=item.get("typical_years"),
                order=position * ORDER_STEP,
            )
            _validate(step, source)
            step.save()
            steps.add(pair)
            report.career_steps.append(str(step))


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=CONTENT_DIR,
            help="Folder of role files (default: the content shipped with the app).",
        )

    def handle(self, *args: Any, path: Path, verbosity: int, **options: Any) -> None:
        # No cache to clear here: every role, line and step is created by save(), whose
        # signal makes the cached pages out of date once the load commits; the parts that
        # bulk_create() adds commit in the same transaction as their role.
        # Every file read and checked before anything is written: a wrong one loads nothing.
        documents, terms = read_content(path), read_shorthand(path)
        report = load_roles(documents)
        load_shorthand(terms, report)
        call_command("load_wages", verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        if verbosity == 0:
            return
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        for label, written in (
            ("Created role", report.roles),
            ("Corrected role", report.corrected),
            ("Created reporting line", report.reporting_lines),
            ("Created career step", report.career_steps),
            ("Created shorthand", report.shorthand),
        ):
            for item in written:
                self.stdout.write(f"{label}: {item}")
        total = (
            len(report.roles)
            + len(report.corrected)
            + len(report.reporting_lines)
            + len(report.career_steps)
            + len(report.shorthand)
        )
        if total:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {len(report.roles)} roles, {len(report.reporting_lines)} reporting "
                    f"lines, {len(report.career_steps)} career steps and "
                    f"{len(report.shorthand)} shorthand terms; corrected "
                    f"{len(report.corrected)} roles."
                )
            )
        else:
            self.stdout.write("Roles already loaded: nothing to create.")
