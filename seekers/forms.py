"""Forms of a job seeker's own pages."""

from __future__ import annotations

from postings.account_forms import PasswordAgainForm


class AccountDeleteForm(PasswordAgainForm):
    """The account's password, asked again: a session left open on a shared computer must
    not be enough to delete an account."""

    help_text = "To confirm it is you. Deleting cannot be undone."
