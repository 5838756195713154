"""Staff's side of postings: organisations, members, invitations and moderation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from postings.forms import RejectForm, TextLimitsMixin
from postings.models import (
    ORGANISATION_TEXT_LIMITS,
    POSTING_TEXT_LIMITS,
    ExpiryReminder,
    Invitation,
    Membership,
    NotificationPreferences,
    Organisation,
    OrganisationQuerySet,
    Posting,
    PostingChanged,
    PostingEvent,
    PostingQuerySet,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Addresses typed without a scheme are web addresses over HTTPS (Django 6's default).
URL_FIELD_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


def staff_user(request: HttpRequest) -> User:
    """The user of an admin request: the admin site lets only signed-in staff in."""
    return cast("User", request.user)


def posting_queryset(queryset: QuerySet[Posting]) -> PostingQuerySet:
    """The admin's postings, typed as what they are: a queryset from Posting.objects."""
    return cast(PostingQuerySet, queryset)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OrganisationAdminForm(TextLimitsMixin, forms.ModelForm):
    text_limits = ORGANISATION_TEXT_LIMITS

    website = forms.URLField(required=False, assume_scheme="https", widget=AdminURLFieldWidget)

    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 - the admin lists its own fields


class HeldFilter(admin.SimpleListFilter):
    title = "held as a lookalike"
    parameter_name = "held"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "Held: named like a verified employer")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> QuerySet[Organisation]:
        if self.value() == "yes":
            return cast(OrganisationQuerySet, queryset).held()
        return queryset


class DomainVerifiedFilter(admin.SimpleListFilter):
    title = "domain verified"
    parameter_name = "domain_verified"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> QuerySet[Organisation]:
        if self.value() == "yes":
            return queryset.exclude(verified_domain="")
        if self.value() == "no":
            return queryset.filter(verified_domain="")
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = [
        "name",
        "slug",
        "is_verified",
        "verified_domain",
        "held",
        "is_suspended",
        "created_at",
    ]
    list_filter = [HeldFilter, "is_verified", DomainVerifiedFilter, "is_suspended"]
    list_select_related = ["lookalike_of"]
    search_fields = ["name", "slug", "website"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["verified_domain", "lookalike_of", "logo_digest"]
    inlines = [MembershipInline]
    actions = ["verify", "release", "suspend", "unsuspend"]

    @admin.display(description="Held (named like)", ordering="lookalike_of__name")
    def held(self, organisation: Organisation) -> str:
        """The verified employer a held organisation is named like: look before releasing."""
        return organisation.lookalike_of.name if organisation.is_held else ""  # type: ignore[union-attr]

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        obj.refresh_domain_verification()

    @admin.action(description="Mark selected organisations as verified")
    def verify(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = queryset.update(is_verified=True)
        self.message_user(request, f"Verified {count} organisation(s).", messages.SUCCESS)

    @admin.action(description="Release selected held organisations (not the same employer)")
    def release(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = queryset.filter(lookalike_of__isnull=False).update(lookalike_of=None)
        self.message_user(
            request,
            f"Released {count} organisation(s): their postings still wait for review if they "
            "are not verified.",
            messages.SUCCESS,
        )

    @admin.action(description="Suspend selected organisations (hide their postings)")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = queryset.update(is_suspended=True)
        self.message_user(
            request,
            f"Suspended {count} organisation(s); their postings have left the public site.",
            messages.SUCCESS,
        )

    @admin.action(description="Lift the suspension of selected organisations")
    def unsuspend(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = queryset.update(is_suspended=False)
        self.message_user(request, f"Lifted the suspension of {count} organisation(s).")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "access", "created_at"]
    list_filter = ["access"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["organisation", "invited_by"]
    search_fields = ["email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["invited_by", "created_at", "accepted_at"]


class PostingAdminForm(TextLimitsMixin, forms.ModelForm):
    """Checks, on the fields, the rules the database holds for a posting past draft: status
    and publication date are read-only here, so Django's constraint check skips them. The
    text fields have the recruiters' limits."""

    text_limits = POSTING_TEXT_LIMITS
    list_fields = ("responsibilities", "qualifications")

    apply_url = forms.URLField(
        label="Apply URL",
        required=False,
        assume_scheme="https",
        widget=AdminURLFieldWidget,
    )

    class Meta:
        model = Posting
        # The admin lists a form's fields from its Meta when building its own: all of them.
        fields = "__all__"  # noqa: DJ007

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        posting = self.instance
        if not posting.is_draft and not cleaned.get("apply_url") and not cleaned.get("apply_email"):
            self.add_error("apply_url", "A posting past draft needs an apply link or email.")
        valid_through = cleaned.get("valid_through")
        if posting.published_at and valid_through and valid_through <= posting.published_at:
            self.add_error("valid_through", "Choose a moment after the posting was published.")
        return cleaned


class PostingEventInline(admin.TabularInline):
    """The posting's history, read-only: it records what happened."""

    model = PostingEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "action", "actor", "changes", "note")
    fields = readonly_fields
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request: HttpRequest, obj: Posting | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Posting | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PostingEvent]:
        return super().get_queryset(request).select_related("actor")


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("waiting", "Waiting for review")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Posting]) -> QuerySet[Posting]:
        if self.value() == "waiting":
            return posting_queryset(queryset).awaiting_review()
        return queryset


class ReviewForm(forms.Form):
    """Staff's decision on the change page, naming the revision they were shown."""

    revision = forms.IntegerField(min_value=1, max_value=2**31 - 1)


def revision_field(posting: Posting) -> str:
    """The name of the changelist's hidden field holding a row's revision as listed."""
    return f"revision-{posting.pk}"


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    form = PostingAdminForm
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = [
        "title",
        "organisation",
        "role",
        "status",
        "review",
        "published_at",
        "valid_through",
        "updated_at",
    ]
    list_filter = [ReviewFilter, "status", "organisation", "employment_type", "workplace"]
    list_select_related = ["organisation", "role"]
    search_fields = ["title", "slug", "organisation__name", "role__title"]
    autocomplete_fields = ["role", "organisation", "created_by"]
    readonly_fields = ["status", "published_at", "rejection_reason", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    inlines = [PostingEventInline]
    actions = ["approve", "reject"]
    change_form_template = "recruiters/admin/posting_change_form.html"

    @admin.display(description="Review")
    def review(self, posting: Posting) -> str:
        """What waits for review, and (hidden) the revision listed, which the "approve"
        action holds each selected posting to."""
        if posting.is_in_review:
            text = "New posting"
        elif posting.change_awaits_review:
            text = "Change: " + ", ".join(sorted(posting.pending_changes))
        elif posting.has_pending_change:
            text = "Change sent back"
        else:
            text = ""
        return format_html(
            '{}<input type="hidden" name="{}" value="{}">',
            text,
            revision_field(posting),
            posting.revision,
        )

    def get_urls(self) -> list[URLPattern]:
        review = self.admin_site.admin_view(self.review_view)
        return [
            path("<path:object_id>/review/", review, name="postings_posting_review"),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        posting = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}), "review": review_context(posting)}
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Approve or send back what waits for review, as the change page showed it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        posting = self.get_object(request, unquote(object_id))
        if posting is None:
            raise Http404("No such posting.")
        if not self.has_change_permission(request, posting):
            raise PermissionDenied
        change_page = reverse("admin:postings_posting_change", args=[posting.pk])
        form = ReviewForm(request.POST)
        reject = RejectForm(request.POST) if request.POST.get("decision") == "reject" else None
        if not form.is_valid() or (reject is not None and not reject.is_valid()):
            problem = "Give a reason to send the posting back." if reject else "Reload and retry."
            self.message_user(request, f"Nothing was done. {problem}", messages.ERROR)
            return redirect(change_page)
        try:
            if reject is not None:
                posting.reject(by=staff_user(request), reason=reject.cleaned_data["reason"])
            else:
                posting.approve(by=staff_user(request), revision=form.cleaned_data["revision"])
        except PostingChanged:
            self.message_user(
                request,
                "Not approved: the posting has changed since you opened it. Review the "
                "version below.",
                messages.ERROR,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.WARNING)
        else:
            done = "Sent back to its recruiters." if reject else "Approved: it is public now."
            self.message_user(request, done, messages.SUCCESS)
        return redirect(change_page)

    def save_model(
        self, request: HttpRequest, obj: Posting, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            obj.create(by=staff_user(request), note="Added in the admin.")
            return
        # Staff are the reviewers: their edits are public at once. A recruiter's change
        # waiting for review is not part of this form, and keeps waiting.
        obj.edit_approved(by=staff_user(request), fields=form.changed_data)

    @admin.action(description="Approve selected postings waiting for review, as listed")
    def approve(self, request: HttpRequest, queryset: QuerySet[Posting]) -> None:
        """Approves each selected posting only at the revision the list showed: one changed
        since the list was loaded (or not on it) is left for staff to look at again."""
        approved, changed, skipped = 0, 0, 0
        for posting in queryset:
            listed = request.POST.get(revision_field(posting), "")
            if not listed.isdigit():
                changed += 1
                continue
            try:
                posting.approve(by=staff_user(request), revision=int(listed))
            except PostingChanged:
                changed += 1
            except ValidationError:
                skipped += 1
            else:
                approved += 1
        self.message_user(request, f"Approved {approved} posting(s).", messages.SUCCESS)
        if changed:
            self.message_user(
                request,
                f"Left {changed} posting(s) that changed since the list was loaded, or were "
                "not on it: open them to review what they say now.",
                messages.WARNING,
            )
        if skipped:
            self.message_user(
                request,
                f"Skipped {skipped} posting(s) with nothing waiting for review, or of a "
                "held organisation (verify or release it first).",
                messages.WARNING,
            )

    @admin.action(description="Send selected postings waiting for review back, with a reason")
    def reject(self, request: HttpRequest, queryset: QuerySet[Posting]) -> TemplateResponse | None:
        """Asks for the reason on a page of its own, then sends the postings back."""
        waiting = posting_queryset(queryset).awaiting_review()
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = 0
            for posting in waiting:
                try:
                    posting.reject(by=staff_user(request), reason=form.cleaned_data["reason"])
                except ValidationError:
                    continue  # Approved or sent back by someone else meanwhile.
                count += 1
            self.message_user(
                request, f"Sent {count} posting(s) back to their recruiters.", messages.SUCCESS
            )
            return None
        return TemplateResponse(
            request,
            "recruiters/admin/reject_postings.html",
            {
                **self.admin_site.each_context(request),
                "title": "Send postings back",
                "opts": self.model._meta,
                "form": form,
                "postings": waiting.select_related("organisation"),
                "skipped": queryset.count() - waiting.count(),
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


def review_context(posting: Posting | None) -> dict[str, Any] | None:
    """What the change page shows staff to decide on: a new posting (its fields are the form
    below), or a change to a public posting as the approved and the proposed text."""
    if posting is None:
        return None
    if not posting.awaits_review and not posting.has_pending_change:
        return None
    return {
        "posting": posting,
        "waiting": posting.awaits_review,
        "is_change": posting.has_pending_change,
        "changes": [
            {"label": field_label(name), "before": before, "after": after}
            for name, (before, after) in posting.pending_diff().items()
        ],
        "reject_form": RejectForm(),
        "action": reverse("admin:postings_posting_review", args=[posting.pk]),
    }


def field_label(name: str) -> str:
    return str(Posting.column(name).verbose_name).capitalize()


@admin.register(PostingEvent)
class PostingEventAdmin(admin.ModelAdmin):
    """The history of every posting, for staff to search. Nobody edits it."""

    list_display = ["created_at", "posting", "action", "actor"]
    list_filter = ["action"]
    list_select_related = ["posting", "actor"]
    search_fields = ["posting__title", "actor__username", "note"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PostingEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PostingEvent | None = None) -> bool:
        return False


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(admin.ModelAdmin):
    """Who has turned which notifications off (no row: every kind is sent)."""

    list_display = ["user", "posting_reviewed", "posting_expiring", "invitation_accepted"]
    list_filter = ["posting_reviewed", "posting_expiring", "invitation_accepted"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(admin.ModelAdmin):
    """The expiry reminders sent: a record, for answering "did we tell them?"."""

    list_display = ["sent_at", "posting", "valid_through", "message_ids"]
    list_select_related = ["posting"]
    search_fields = ["posting__title", "message_ids"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ExpiryReminder | None = None
    ) -> bool:
        return False
