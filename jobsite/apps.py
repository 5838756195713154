from django.apps import AppConfig


class JobsiteConfig(AppConfig):
    """What belongs to the whole site: the page cache, Markdown rendering, backups."""

    name = "jobsite"
    verbose_name = "Site"
