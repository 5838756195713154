from django.apps import AppConfig


class PostingsConfig(AppConfig):
    name = "postings"
    verbose_name = "Postings"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from jobsite.caching import invalidate_on_change
        from postings import stored_counts, vocabulary
        from postings.models import Organisation, Posting
        from roles.models import AlternateTitle, Role

        # What the public pages show of this app; memberships, invitations and mail
        # records are never on them. The stored counts of open postings count postings
        # of open organisations, by role, and name the published roles.
        invalidate_on_change(Organisation, Posting, Role, also=stored_counts.out_of_date)
        # The search corrects misspellings to the roles' words (postings/spelling.py); roles
        # knows nothing of the search, so the search listens to its writes.
        for model in (Role, AlternateTitle):
            post_save.connect(
                vocabulary.roles_written,
                sender=model,
                dispatch_uid=f"postings.vocabulary.{model._meta.label_lower}",
            )
