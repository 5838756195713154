"""What the site's forms share."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.forms import BoundField


class FieldsetsMixin(forms.BaseForm):
    """A form shown in groups: `fieldsets` gives each group's legend and its fields, in the
    order the page shows them (recruiters/includes/_fieldsets.html), which is the order of
    the fields and of their errors too."""

    fieldsets: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields([name for _, names in self.fieldsets for name in names])

    def grouped_fields(self) -> list[tuple[str, list[BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]
