"""Forms shown in fieldsets show every field they have, in the fieldsets' order."""

import pytest

from postings.account_forms import SignupForm
from postings.forms import PostingForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form_class", [PostingForm, SignupForm])
def test_every_field_of_a_form_in_fieldsets_is_in_one_fieldset_in_the_forms_order(form_class):
    form = form_class()

    shown = [field.name for _, fields in form.grouped_fields() for field in fields]

    assert shown == list(form.fields)
