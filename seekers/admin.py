"""Staff's side of job seekers: saved jobs, for answering a support or data request."""

from django.contrib import admin

from seekers.models import SavedJob


@admin.register(SavedJob)
class SavedJobAdmin(admin.ModelAdmin):
    list_display = ["user", "posting", "saved_at"]
    list_select_related = ["user", "posting"]
    search_fields = ["user__email", "posting__title"]
    autocomplete_fields = ["posting"]
    raw_id_fields = ["user"]
    date_hierarchy = "saved_at"
