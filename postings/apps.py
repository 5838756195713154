from django.apps import AppConfig


class PostingsConfig(AppConfig):
    name = "postings"
    verbose_name = "Postings"

    def ready(self) -> None:
        # Roles' models are connected here too: the pages that show them are this app's.
        from postings import signals

        signals.connect()
