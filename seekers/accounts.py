"""Deleting a person's account, with everything it keeps."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from django.db import transaction

from postings.models import AlreadyDone, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def account_delete(*, user: User) -> None:
    """Delete the account and what cascades from it (saved jobs, membership, verification).
    Raises LastOwner, deleting nothing, while the user is an organisation's last owner:
    the organisation would be left with no one to run it. Its postings stay theirs; those
    the user wrote forget their author."""
    with transaction.atomic():
        membership = Membership.objects.select_related("organisation").filter(user=user).first()
        if membership is not None:
            # Takes the organisation's lock and refuses its last owner (LastOwner); one an
            # owner removed meanwhile (AlreadyDone) leaves nothing to keep.
            with suppress(AlreadyDone):
                membership.remove()
        user.delete()
