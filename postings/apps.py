from django.apps import AppConfig


class PostingsConfig(AppConfig):
    name = "postings"
    verbose_name = "Postings"

    def ready(self) -> None:
        from jobsite.caching import invalidate_on_change
        from postings.models import Organisation, Posting

        # What the public pages show of this app; memberships, invitations and mail
        # records are never on them.
        invalidate_on_change(Organisation, Posting)
