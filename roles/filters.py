"""The role directory's form: a FilterSet over published roles."""

import django_filters

from roles.models import Function, Level, Role


class RoleFilter(django_filters.FilterSet):
    function = django_filters.ChoiceFilter(
        label="Function", choices=Function.choices, empty_label="Any function"
    )
    level = django_filters.ChoiceFilter(
        label="Level", choices=Level.choices, empty_label="Any level"
    )

    class Meta:
        model = Role
        fields = ["function", "level"]
