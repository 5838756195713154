"""Staff's side of postings: organisations, members, invitations and moderation."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from postings import caching
from postings.forms import RejectForm, TextLimitsMixin
from postings.models import (
    ORGANISATION_TEXT_LIMITS,
    POSTING_TEXT_LIMITS,
    Invitation,
    Membership,
    Organisation,
    Posting,
    PostingEvent,
    _as_text,
)

# Addresses typed without a scheme are web addresses over HTTPS (Django 6's default).
URL_FIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


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


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ["name", "slug", "is_verified", "is_suspended", "created_at"]
    list_filter = ["is_verified", "is_suspended"]
    search_fields = ["name", "slug", "website"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    actions = ["verify", "suspend", "unsuspend"]

    @admin.action(description="Mark selected organisations as verified")
    def verify(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = queryset.update(is_verified=True)
        caching.bump()  # update() sends no signal
        self.message_user(request, f"Verified {count} organisation(s).", messages.SUCCESS)

    @admin.action(description="Suspend selected organisations (hide their postings)")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = queryset.update(is_suspended=True)
        caching.bump()  # update() sends no signal
        self.message_user(
            request,
            f"Suspended {count} organisation(s); their postings have left the public site.",
            messages.SUCCESS,
        )

    @admin.action(description="Lift the suspension of selected organisations")
    def unsuspend(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        count = queryset.update(is_suspended=False)
        caching.bump()  # update() sends no signal
        self.message_user(request, f"Lifted the suspension of {count} organisation(s).")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
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

    def clean(self) -> dict:
        cleaned = super().clean()
        posting = self.instance
        is_draft = posting.status == Posting.Status.DRAFT
        if not is_draft and not cleaned.get("apply_url") and not cleaned.get("apply_email"):
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
    fields = ["created_at", "action", "actor", "changes", "note"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]

    def has_add_permission(self, request: HttpRequest, obj: Posting | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Posting | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PostingEvent]:
        return super().get_queryset(request).select_related("actor")


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    form = PostingAdminForm
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = [
        "title",
        "organisation",
        "role",
        "status",
        "published_at",
        "valid_through",
        "updated_at",
    ]
    list_filter = ["status", "organisation", "employment_type", "workplace"]
    list_select_related = ["organisation", "role"]
    search_fields = ["title", "slug", "organisation__name", "role__title"]
    autocomplete_fields = ["role", "organisation", "created_by"]
    readonly_fields = ["status", "published_at", "rejection_reason", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    inlines = [PostingEventInline]
    actions = ["approve", "reject"]

    def save_model(self, request: HttpRequest, obj: Posting, form, change: bool) -> None:
        if not change:
            obj.create(by=request.user, note="Added in the admin.")
            return
        changes = {
            name: [_as_text(form.initial.get(name)), _as_text(form.cleaned_data.get(name))]
            for name in form.changed_data
        }
        obj.edit(by=request.user, changes=changes)

    @admin.action(description="Approve selected postings in review (publish them)")
    def approve(self, request: HttpRequest, queryset: QuerySet[Posting]) -> None:
        approved, skipped = 0, 0
        for posting in queryset.select_related("organisation"):
            try:
                posting.approve(by=request.user)
            except ValidationError:
                skipped += 1
            else:
                approved += 1
        self.message_user(request, f"Published {approved} posting(s).", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"Skipped {skipped} posting(s) that were not in review.", messages.WARNING
            )

    @admin.action(description="Send selected postings in review back, with a reason")
    def reject(self, request: HttpRequest, queryset: QuerySet[Posting]) -> TemplateResponse | None:
        """Asks for the reason on a page of its own, then sends the postings back."""
        in_review = queryset.filter(status=Posting.Status.IN_REVIEW)
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = 0
            for posting in in_review:
                posting.reject(by=request.user, reason=form.cleaned_data["reason"])
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
                "postings": in_review.select_related("organisation"),
                "skipped": queryset.count() - in_review.count(),
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


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
