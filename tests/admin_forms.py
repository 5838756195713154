"""Helpers for tests that drive Django admin forms as a browser would."""


def admin_form_data(response) -> dict[str, str]:
    """What a browser would post back from an admin change form as rendered."""
    data: dict[str, str] = {}

    def add(form) -> None:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data
