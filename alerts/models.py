"""Search alerts: a search, mailed daily or weekly to one address, with the postings new since
the last message; and what each message listed, recorded before it is sent.

An alert belongs to an account (any signed-in user; mail goes to the account's address) or
to an address alone, which must confirm it first (double opt-in). Its search is the search
page's filter form (postings.filters.PostingFilter.filter_form), so the alerts that ask the
same thing share one `query` and the run (alerts/runs.py) searches once for all of them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from postings.models import Posting

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# An address that never confirms its alert is forgotten after this long.
UNCONFIRMED_MAX_AGE = timedelta(days=7)
# Runs are hourly: an alert is due a little before its period is up, so that a run that
# starts a minute later than the last one does not push the message back an hour.
DUE_SLACK = timedelta(minutes=30)


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"

    @property
    def period(self) -> timedelta:
        return timedelta(days=7) if self == Frequency.WEEKLY else timedelta(days=1)


class AlertQuerySet(models.QuerySet):
    def confirmed(self) -> AlertQuerySet:
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self) -> AlertQuerySet:
        return self.filter(confirmed_at__isnull=True)

    def due(self, now: datetime) -> AlertQuerySet:
        """Confirmed alerts whose period has passed since their last run."""
        return self.confirmed().filter(
            Q(frequency=Frequency.DAILY, last_run_at__lte=now - Frequency.DAILY.period + DUE_SLACK)
            | Q(
                frequency=Frequency.WEEKLY,
                last_run_at__lte=now - Frequency.WEEKLY.period + DUE_SLACK,
            )
        )

    def stale(self, now: datetime) -> AlertQuerySet:
        """Sign-ups whose address never confirmed them in time."""
        return self.unconfirmed().filter(created_at__lt=now - UNCONFIRMED_MAX_AGE)

    def of_user(self, user: User) -> AlertQuerySet:
        return self.filter(user=user)


class Alert(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="search_alerts",
        help_text="The account that made it; its mail goes to the account's address.",
    )
    email = models.EmailField(
        max_length=254,
        blank=True,
        help_text="Where an alert made without an account is sent; empty with an account.",
    )
    query = models.CharField(
        max_length=2000,
        help_text="The search: /jobs/ parameters in their canonical order, without a page.",
    )
    description = models.CharField(
        max_length=300, help_text="The search in words, as its messages name it."
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty until the address confirms it; unsent till then."
    )
    last_run_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The last run's time: postings published after it are new to this alert.",
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "query"],
                condition=Q(user__isnull=False),
                name="alerts_alert_one_per_user_and_search",
            ),
            models.UniqueConstraint(
                fields=["email", "query"],
                condition=Q(user__isnull=True),
                name="alerts_alert_one_per_address_and_search",
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=True) & ~Q(email=""))
                | (Q(user__isnull=False) & Q(email="")),
                name="alerts_alert_account_or_address",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(last_run_at__isnull=False),
                name="alerts_alert_confirmed_has_watermark",
            ),
        ]
        indexes = [
            # The run: the due alerts of each search.
            models.Index(fields=["query", "last_run_at"], name="alerts_alert_query_run"),
            models.Index(fields=["created_at"], name="alerts_alert_created"),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.get_frequency_display().lower()}, {self.address})"

    @property
    def address(self) -> str:
        return self.user.email if self.user_id and self.user else self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def search_url(self) -> str:
        base = reverse("postings:posting_list")
        return f"{base}?{self.query}" if self.query else base

    def confirm(self) -> bool:
        """Start sending; False if it was already confirmed (a used link). Postings
        published from now on are new to it."""
        now = timezone.now()
        confirmed = bool(
            Alert.objects.unconfirmed().filter(pk=self.pk).update(confirmed_at=now, last_run_at=now)
        )
        if confirmed:
            self.confirmed_at = self.last_run_at = now
        return confirmed

    def set_frequency(self, frequency: str) -> None:
        self.frequency = frequency
        self.save(update_fields=["frequency"])


class Delivery(models.Model):
    """One posting one alert's message listed: recorded and committed before the message
    goes out, so that no run (a second worker, a retried task) lists it to the alert again."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(
        max_length=255, help_text="The Message-ID of the message that listed it."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "posting"], name="alerts_delivery_once_per_alert"
            )
        ]
        indexes = [models.Index(fields=["message_id"], name="alerts_delivery_message")]

    def __str__(self) -> str:
        return f"{self.posting_id} to alert {self.alert_id} in {self.message_id}"
