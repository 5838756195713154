from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RolesConfig(AppConfig):
    name = "roles"
    verbose_name = "Roles"

    def ready(self) -> None:
        from jobsite.caching import invalidate_on_change
        from roles import explainers, models

        # A role and every part of it show on public pages, and in the stored explainers
        # of every role (a role's title shows on its neighbours' explainers).
        invalidate_on_change(
            models.Role,
            *models.ROLE_PARTS.values(),
            *models.ROUTES,
            also=explainers.out_of_date,
        )
        # Stored explainers were rendered by the code before a deploy, and a deploy migrates.
        post_migrate.connect(
            explainers.render_after_migrate, sender=self, dispatch_uid="roles.explainers"
        )
