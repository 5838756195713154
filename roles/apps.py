from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Roles"

    def ready(self) -> None:
        from jobsite.caching import invalidate_on_change
        from roles import models

        # A role and every part of it show on public pages.
        invalidate_on_change(
            models.Role,
            *(models.AlternateTitle, models.Responsibility, models.Qualification),
            *(models.ReportingLine, models.CareerStep, models.FAQ),
        )
