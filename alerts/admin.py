"""Staff's view of alerts: who asked for which search, and what each message listed."""

from __future__ import annotations

from django.contrib import admin

from alerts.models import Alert, Delivery


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["description", "address", "frequency", "confirmed_at", "last_run_at"]
    list_filter = ["frequency", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["email", "user__email", "description", "query"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]

    @admin.display(description="Sent to")
    def address(self, alert: Alert) -> str:
        return alert.address


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["alert", "posting", "message_id", "created_at"]
    list_select_related = ["alert__user", "posting"]
    search_fields = ["message_id", "alert__email"]
    raw_id_fields = ["alert", "posting"]
    readonly_fields = ["alert", "posting", "message_id", "created_at"]
