"""What a job seeker keeps: the postings they saved. Saved jobs are never on a public page,
so they do not touch the page cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef

from postings.models import Posting

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SavedJobQuerySet(models.QuerySet):
    def of(self, user: User) -> SavedJobQuerySet:
        """One person's saved jobs: the only way views reach saved rows."""
        return self.filter(user=user)

    def with_state(self) -> SavedJobQuerySet:
        """Each saved job with its posting and employer, and whether the posting is open
        and still reachable, by the rules of Posting's own querysets (one query)."""
        return self.select_related("posting__organisation").annotate(
            posting_is_open=Exists(Posting.objects.public().filter(pk=OuterRef("posting"))),
            posting_is_reachable=Exists(Posting.objects.reachable().filter(pk=OuterRef("posting"))),
        )


class SavedJob(models.Model):
    """A posting a signed-in visitor saved, to come back to from My jobs."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "No longer shown"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_jobs"
    )
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="saved_by")
    saved_at = models.DateTimeField(auto_now_add=True)

    objects = SavedJobQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "posting"], name="%(app_label)s_%(class)s_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} saved {self.posting}"

    @property
    def state(self) -> SavedJob.State:
        """Open, closed or expired, from `with_state()`'s annotations; withdrawn when the
        posting's page is no longer public at all (its employer suspended)."""
        if self.posting_is_open:  # type: ignore[attr-defined]
            return self.State.OPEN
        if not self.posting_is_reachable:  # type: ignore[attr-defined]
            return self.State.WITHDRAWN
        if self.posting.status == Posting.Status.CLOSED:
            return self.State.CLOSED
        return self.State.EXPIRED

    @classmethod
    def save_for(cls, *, user: User, posting: Posting) -> SavedJob:
        """Save `posting` for `user`; saving it again (a double submit, two tabs) keeps the
        one row the unique constraint allows."""
        try:
            with transaction.atomic():
                saved, _ = cls.objects.get_or_create(user=user, posting=posting)
        except IntegrityError:
            # A simultaneous save of the same posting committed between get and create.
            saved = cls.objects.get(user=user, posting=posting)
        return saved

    @classmethod
    def remove_for(cls, *, user: User, posting_id: int) -> bool:
        """Forget the saved posting; False if it was not saved (already removed)."""
        deleted, _ = cls.objects.of(user).filter(posting_id=posting_id).delete()
        return bool(deleted)
