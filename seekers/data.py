"""A person's data, as the download on My jobs gives it: one JSON document of sections.

Each part of the site that keeps something about a person adds a section with `section()`
(in its AppConfig.ready(), say): a name and a function from the user to what is kept,
built from plain JSON types, in a fixed number of queries: the account, the saved jobs and
the search alerts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings

from alerts.models import Alert
from jobsite.origin import absolute_url
from postings.models import EmailVerification, Membership
from seekers.models import SavedJob

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Section = Callable[["User"], Any]
SECTIONS: dict[str, Section] = {}


def section(name: str) -> Callable[[Section], Section]:
    """Register `function(user)` as the section `name` of every person's data."""

    def register(function: Section) -> Section:
        SECTIONS[name] = function
        return function

    return register


def personal_data(user: User) -> dict[str, Any]:
    """Everything the site keeps about `user`, section by section, in a fixed order."""
    return {
        "site": settings.SITE_NAME,
        "format": 1,
        **{name: SECTIONS[name](user) for name in sorted(SECTIONS)},
    }


def moment(value: Any) -> str | None:
    return value.isoformat() if value else None


@section("account")
def account(user: User) -> dict[str, Any]:
    verification = EmailVerification.objects.filter(user=user).first()
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    return {
        "name": user.get_full_name(),
        "email": user.email,
        "joined": moment(user.date_joined),
        "last_login": moment(user.last_login),
        "email_verified": moment(verification.verified_at) if verification else None,
        "organisation": (
            {
                "name": membership.organisation.name,
                "access": membership.access,
                "member_since": moment(membership.created_at),
            }
            if membership
            else None
        ),
    }


@section("saved_jobs")
def saved_jobs(user: User) -> list[dict[str, Any]]:
    return [
        {
            "title": saved.posting.title,
            "employer": saved.posting.organisation.name,
            "url": absolute_url(saved.posting.get_absolute_url()),
            "state": saved.state.value,
            "saved_at": moment(saved.saved_at),
        }
        for saved in SavedJob.objects.of(user).with_state()
    ]


@section("alerts")
def alerts(user: User) -> list[dict[str, Any]]:
    return [
        {
            "search": alert.description,
            "url": absolute_url(alert.search_url()),
            "frequency": alert.frequency,
            "created_at": moment(alert.created_at),
            "confirmed_at": moment(alert.confirmed_at),
            "last_sent_up_to": moment(alert.last_run_at),
        }
        for alert in Alert.objects.of_user(user)
    ]
