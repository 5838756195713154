"""What the shipped role content last wrote to a role, so that a corrected file reaches a
database holding the old text without overwriting what an editor changed in the admin.

A role keeps in `Role.seeded` a digest of every value the content wrote to it: each field,
each kind of part as a whole (its alternate titles, its responsibilities…), and each reporting
line and career step its file declares. When `load_roles` meets the role again, a value whose
digest still matches was not edited since, and takes the file's value if that changed; a
value that no longer matches is an editor's, and stays. A role with no digests (made in the
admin) is left as it is.

The digests are compared across releases (migration 0005 holds those of the first content):
changing how a value is digested makes every stored digest stale, and every correction would
then be taken for an editor's change and skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from roles.models import ROLE_PARTS

# The role's own fields the content writes, by their name in the content files and on Role
# (the slug is the role's identity, not a value to correct).
FIELDS = (
    "title",
    "abbreviation",
    "function",
    "level",
    "brief_answer",
    "overview",
    "education_level",
    "fields_of_study",
    "experience_years_min",
    "experience_years_max",
    "onet_soc_code",
    "isco_code",
    "sources",
    "reviewed_on",
    "wage_table",
    "pay_note",
    "is_published",
)
# What each kind of part holds, in order, by its relation name on Role.
PART_FIELDS: dict[str, tuple[str, ...]] = {
    "alternate_titles": ("title",),
    "responsibilities": ("area", "text"),
    "qualifications": ("kind", "text", "is_required"),
    "faqs": ("question", "answer"),
}
LINE_FIELDS = ("is_typical",)
STEP_FIELDS = ("note", "typical_years")
LINE_PREFIX, STEP_PREFIX = "reports_to:", "career_steps:"


def normalised(value: Any) -> Any:
    """`value` as it is compared: text without the carriage returns a browser adds and the
    spaces around it, dates as ISO text, lists of the same."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [normalised(item) for item in value]
    return value


def digest(value: Any) -> str:
    text = json.dumps(normalised(value), ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def line_key(manager_slug: str) -> str:
    return f"{LINE_PREFIX}{manager_slug}"


def step_key(to_slug: str) -> str:
    return f"{STEP_PREFIX}{to_slug}"


def is_route(key: str) -> bool:
    return key.startswith((LINE_PREFIX, STEP_PREFIX))


def values_of(
    role: Any, parts: Iterable[Any], lines: Mapping[str, Any], steps: Mapping[str, Any]
) -> dict[str, Any]:
    """The values the content writes, by key: from a role and its rows as stored, or as the
    loader builds them from a file. `parts` are the role's own parts in their order; `lines`
    its reporting lines by the manager's slug, `steps` its career steps out by the slug of
    the role they lead to."""
    values: dict[str, Any] = {name: getattr(role, name) for name in FIELDS}
    by_kind: dict[str, list[Any]] = {key: [] for key in PART_FIELDS}
    relation = {model: key for key, model in ROLE_PARTS.items()}
    for part in parts:
        names = PART_FIELDS[relation[type(part)]]
        by_kind[relation[type(part)]].append([getattr(part, name) for name in names])
    values.update(by_kind)
    for slug, line in lines.items():
        values[line_key(slug)] = [getattr(line, name) for name in LINE_FIELDS]
    for slug, step in steps.items():
        values[step_key(slug)] = [getattr(step, name) for name in STEP_FIELDS]
    return values


def digests(values: Mapping[str, Any]) -> dict[str, str]:
    return {key: digest(value) for key, value in values.items()}


@dataclass
class Plan:
    """What a load does with one existing role: the keys to write from the file, the keys an
    editor changed (kept), and the digests to store afterwards."""

    write: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    seeded: dict[str, str] = field(default_factory=dict)


def plan(seeded: Mapping[str, str], ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> Plan:
    """Compare what the content last wrote (`seeded`, digests), what the database holds
    (`ours`) and what the file says now (`theirs`), key by key."""
    result = Plan(seeded=dict(seeded))
    if not seeded:
        return result  # Not the content's role (made in the admin): nothing to correct.
    for key in sorted(theirs.keys() | seeded.keys()):
        new = digest(theirs[key]) if key in theirs else None
        held = digest(ours[key]) if key in ours else None
        if held == new or (held is None and is_route(key)):
            # Already as the file says; or a route the database lacks, which the loader adds
            # whenever its two roles exist.
            if new is None:
                result.seeded.pop(key, None)
            else:
                result.seeded[key] = new
        elif held is not None and seeded.get(key) == held:
            result.write.append(key)
            if new is None:
                result.seeded.pop(key)
            else:
                result.seeded[key] = new
        else:
            result.kept.append(key)
    return result
