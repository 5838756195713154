"""Editing roles in Django admin, with every save kept as a revertible version."""

from __future__ import annotations

from datetime import datetime

import reversion
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from reversion.admin import VersionAdmin

from roles.models import (
    FAQ,
    AlternateTitle,
    CareerStep,
    Qualification,
    ReportingLine,
    Responsibility,
    Role,
    Shorthand,
)


class RolePartInline(admin.TabularInline):
    extra = 0
    ordering = ["order", "pk"]


class AlternateTitleInline(RolePartInline):
    model = AlternateTitle


class ResponsibilityInline(RolePartInline):
    model = Responsibility


class QualificationInline(RolePartInline):
    model = Qualification


class FAQInline(RolePartInline):
    model = FAQ


class ReportingLineInline(RolePartInline):
    model = ReportingLine
    fk_name = "role"
    autocomplete_fields = ["manager"]
    verbose_name = "reports to"
    verbose_name_plural = "reports to (managers, typical first)"


class CareerStepInline(RolePartInline):
    model = CareerStep
    fk_name = "from_role"
    autocomplete_fields = ["to_role"]
    verbose_name = "career step out"
    verbose_name_plural = "career steps out (where the role leads, most common first)"


@admin.register(Role)
class RoleAdmin(VersionAdmin):
    # VersionAdmin registers the role with its inlines' models and follows them, so a
    # role's version holds its parts too: reverting a role restores what it was responsible
    # for, what it required, whom it reported to and where it led.
    list_display = ["title", "abbreviation", "function", "level", "is_published", "updated"]
    list_filter = ["function", "level", "is_published"]
    search_fields = ["title", "abbreviation", "alternate_titles__title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    ordering = ["title"]
    actions = ["publish", "unpublish"]
    inlines = [
        AlternateTitleInline,
        ResponsibilityInline,
        QualificationInline,
        FAQInline,
        ReportingLineInline,
        CareerStepInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "abbreviation", "function", "level", "is_published"]}),
        ("What the role is", {"fields": ["brief_answer", "overview"]}),
        (
            "What it asks for",
            {
                "fields": [
                    "education_level",
                    "fields_of_study",
                    "experience_years_min",
                    "experience_years_max",
                ]
            },
        ),
        ("Codes and sources", {"fields": ["onet_soc_code", "isco_code", "sources"]}),
        ("Dates", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, role: Role) -> datetime:
        return role.updated_at

    @admin.action(description="Publish the selected roles", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        self._set_published(request, queryset, published=True)

    @admin.action(description="Unpublish the selected roles", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        self._set_published(request, queryset, published=False)

    def _set_published(
        self, request: HttpRequest, queryset: QuerySet[Role], *, published: bool
    ) -> None:
        # Saved one by one inside a revision, so the change shows in each role's history.
        changed = [role for role in queryset if role.is_published != published]
        verb = "Published" if published else "Unpublished"
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"{verb} from the list of roles.")
            for role in changed:
                role.is_published = published
                role.save(update_fields=["is_published", "updated_at"])
        self.message_user(
            request,
            f"{verb} {len(changed)} role{'s' if len(changed) != 1 else ''}.",
            messages.SUCCESS,
        )


@admin.register(Shorthand)
class ShorthandAdmin(VersionAdmin):
    # The search reads each query's shorthand from this table on every search: an edit
    # here changes results from the next request on.
    list_display = ["term", "meaning", "updated_at"]
    search_fields = ["term", "meaning"]
    readonly_fields = ["updated_at"]
    ordering = ["term"]
