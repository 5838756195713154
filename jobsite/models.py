from django.db import models


class Counter(models.Model):
    """A shared counter (jobsite/counters.py) when the cache is not Redis: one row per
    counter, incremented by an atomic UPDATE and emptied by the worker."""

    group = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    value = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="jobsite_counter_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.name}: {self.value}"
