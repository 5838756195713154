"""Conditions the apps' check constraints share."""

from __future__ import annotations

from django.db.models import F, Q


def unless_either_unset(field: str, lookup: str, other: str) -> Q:
    """`field` stands in `lookup` to `other` (e.g. "lte": a range whose ends are in order)
    wherever both are given; either one left empty passes."""
    return (
        Q(**{f"{field}__isnull": True})
        | Q(**{f"{other}__isnull": True})
        | Q(**{f"{field}__{lookup}": F(other)})
    )
