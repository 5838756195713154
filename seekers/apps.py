from django.apps import AppConfig


class SeekersConfig(AppConfig):
    name = "seekers"
    verbose_name = "Job seekers"
