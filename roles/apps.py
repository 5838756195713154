from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Roles"

    def ready(self) -> None:
        from jobsite.caching import invalidate_on_change
        from roles import models

        # A role and every part of it show on public pages; shorthand changes what a search
        # finds.
        invalidate_on_change(
            models.Role, *models.ROLE_PARTS.values(), *models.ROUTES, models.Shorthand
        )
