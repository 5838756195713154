"""Editing roles in Django admin, with every save kept as a revertible version, and a preview
of the explainer an unsaved edit would make."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Any

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import all_valid
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin

from roles import presentation
from roles.explainers import preview_explainer
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


class PlainText(forms.CharField):
    """A text with its lines ended as stored texts end them (\n). A browser's textarea sends
    \r\n: kept, every text would read as changed on each save, and the history would name
    fields nobody touched."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str):
            return value.replace("\r\n", "\n").replace("\r", "\n")
        return value


def form_errors(form: forms.BaseForm, formsets: list[Any]) -> list[str]:
    """Every error of a change form and its inlines, each with what it is about."""
    found = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        found += [f"{label}: {error}" if label else str(error) for error in errors]
    for formset in formsets:
        kind = str(formset.model._meta.verbose_name_plural).capitalize()
        found += [f"{kind}: {error}" for error in formset.non_form_errors()]
        for errors_of_form in formset.errors:
            for errors in errors_of_form.values():
                found += [f"{kind}: {error}" for error in errors]
    return found


# Merged into the admin's own defaults for text fields (its textarea widget stays).
PLAIN_TEXT: dict[type[models.Field], dict[str, Any]] = {models.TextField: {"form_class": PlainText}}


class RolePartInline(admin.TabularInline):
    extra = 0
    ordering = ["order", "pk"]
    formfield_overrides = PLAIN_TEXT


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
    change_form_template = "admin/roles/role/change_form.html"
    formfield_overrides = PLAIN_TEXT
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
        ("Pay", {"fields": ["wage_table", "pay_note"]}),
        ("Codes and sources", {"fields": ["onet_soc_code", "isco_code", "sources", "reviewed_on"]}),
        ("Dates", {"fields": ["created_at", "updated_at"]}),
    ]

    def reversion_register(self, model: type[models.Model], **kwargs: Any) -> None:
        # What the shipped content last wrote is the loader's record, not the role's: a
        # revert must not make an old text look unedited (roles/seeding.py).
        if model is Role:
            kwargs["exclude"] = ("seeded",)
        super().reversion_register(model, **kwargs)

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(require_POST(self.preview_view)),
            name="roles_role_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The explainer the change form as posted would make, saving nothing: staff with the
        right to change the role only, a POST with the form's CSRF token (admin_view checks
        both and marks the answer never to be cached), never indexed."""
        role = self.get_object(request, unquote(object_id))
        if role is None:
            raise Http404("No role has this id.")
        if not self.has_change_permission(request, role):
            raise PermissionDenied
        form = self.get_form(request, role, change=True)(request.POST, request.FILES, instance=role)
        form_valid = form.is_valid()
        formsets, _ = self._create_formsets(request, form.instance, change=True)
        if all_valid(formsets) and form_valid:
            explainer = preview_explainer(form.instance, formsets)
            response = TemplateResponse(
                request,
                "admin/roles/role/preview.html",
                {
                    "role": form.instance,
                    **presentation.explainer_heading(form.instance),
                    "sections": explainer.fragments(),
                    "change_url": reverse("admin:roles_role_change", args=[role.pk]),
                },
            )
        else:
            response = TemplateResponse(
                request,
                "admin/roles/role/preview_errors.html",
                {
                    "role": role,
                    "errors": form_errors(form, formsets),
                    "change_url": reverse("admin:roles_role_change", args=[role.pk]),
                },
                status=HTTPStatus.BAD_REQUEST,
            )
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

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
