"""The posting form as people fill it in: names, not ISO codes; amounts as typed; a title
box that fits the title; a date hint that matches the picker; a warning when the title
names a place; a checklist that follows the form, stays with errors, and counts the role's
own lines only once edited."""

import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from postings.forms import PostingForm, places_in_title
from postings.models import Posting
from tests.factories import (
    PostingFactory,
    QualificationFactory,
    ResponsibilityFactory,
    RoleFactory,
)
from tests.helpers import manage_url, posting_data

pytestmark = pytest.mark.django_db

NEW = "recruiters:posting_create"


@pytest.fixture
def role():
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    ResponsibilityFactory(role=role, text="Run the daily operations of several sites.")
    QualificationFactory(role=role, text="Eight years in operations.")
    return role


def new_form(client, role) -> str:
    return client.get(reverse(NEW), {"role": role.slug}).content.decode()


def saved(client, role, **typed) -> Posting:
    response = client.post(reverse(NEW), posting_data(role, **typed))
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    return Posting.objects.get()


def option_position(html: str, value: str) -> int:
    return html.index(f'<option value="{value}"')


# --- Countries and currencies by name ---------------------------------------------------------


def test_country_is_chosen_by_name_and_stored_as_its_code(recruiter_client, role):
    html = new_form(recruiter_client, role)

    assert re.search(r'<select name="country"[^>]*>', html)
    assert '<option value="GB">United Kingdom</option>' in html
    assert '<option value="DE">Germany</option>' in html
    assert saved(recruiter_client, role, country="DE").country == "DE"


@pytest.mark.parametrize("typed", ["UK", "uk", "United Kingdom", "GBR", "gb"])
def test_a_country_sent_as_a_common_name_or_code_is_stored_as_its_code(
    recruiter_client, role, typed
):
    assert saved(recruiter_client, role, country=typed).country == "GB"


def test_remote_countries_are_a_multiple_choice_of_regions_and_countries_by_name(
    recruiter_client, role
):
    html = new_form(recruiter_client, role)

    select = re.search(r'<select name="remote_countries"[^>]*>', html).group()
    assert "multiple" in select
    assert '<option value="europe">Europe</option>' in html
    assert '<option value="IE">Ireland</option>' in html
    posting = saved(
        recruiter_client, role, workplace="remote", city="", remote_countries=["IE", "PT"]
    )
    assert posting.remote_countries == "IE PT"


def test_currency_is_chosen_by_name_the_converted_ones_first(recruiter_client, role):
    html = new_form(recruiter_client, role)

    assert re.search(r'<select name="salary_currency"[^>]*>', html)
    assert '<option value="GBP">GBP – Pound Sterling</option>' in html
    assert html.index('label="Compared across currencies"') < html.index('label="Other currencies"')
    # The euro is converted; the UAE dirham is not: it comes after.
    assert option_position(html, "EUR") < html.index('label="Other currencies"')
    assert option_position(html, "AED") > html.index('label="Other currencies"')
    assert '<option value="XAU"' not in html  # gold is no salary


@pytest.mark.parametrize(("typed", "code"), [("£", "GBP"), ("€", "EUR"), ("usd", "USD")])
def test_a_currency_sent_as_a_symbol_or_lowercase_code_is_stored_as_its_code(
    recruiter_client, role, typed, code
):
    assert saved(recruiter_client, role, salary_currency=typed).salary_currency == code


def test_a_stored_currency_the_list_leaves_out_stays_on_the_form(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation, salary_currency="XTS")

    html = recruiter_client.get(manage_url(posting)).content.decode()

    assert '<option value="XTS" selected>' in html


# --- Amounts, title, date --------------------------------------------------------------------


def test_salaries_are_shown_as_typed_not_with_cents(recruiter_client, membership):
    posting = PostingFactory(
        organisation=membership.organisation,
        salary_min=Decimal("160000.00"),
        salary_max=Decimal("180000.50"),
    )

    html = recruiter_client.get(manage_url(posting)).content.decode()

    assert re.search(r'name="salary_min" value="160000"', html)
    assert re.search(r'name="salary_max" value="180000.50"', html)
    assert "160000.00" not in html


def test_the_title_box_spans_the_form(recruiter_client, role):
    html = new_form(recruiter_client, role)

    title = re.search(r'<input type="text" name="title"[^>]*>', html).group()
    assert 'class="field__input--wide"' in title


def test_the_date_hint_does_not_name_a_format_the_picker_may_not_show(recruiter_client, role):
    html = new_form(recruiter_client, role)

    assert 'type="date"' in html
    assert "YYYY" not in html
    assert "The last day applications are open" in html


# --- A place in the title ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "found"),
    [
        ("Office Manager (Frankfurt)", ["Frankfurt"]),
        ("Chief Operating Officer — UK & Ireland", ["UK", "Ireland"]),
        ("Office Manager London", ["London"]),
        ("Operations Manager, Berlin", ["Berlin"]),
        ("VP Operations | New York", ["New York"]),
        ("Director of Operations", []),
        ("Chief Operating Officer", []),
        ("Head of Sales", []),
        ("Finance Director (m/f/d)", []),
        ("Product Manager - Payments", []),
    ],
)
def test_places_in_a_title_are_found_and_job_words_are_not(title, found):
    assert places_in_title(title) == found


def test_a_title_naming_a_place_gets_a_warning_pointing_to_the_location_fields(
    recruiter_client, membership
):
    posting = PostingFactory(
        organisation=membership.organisation, title="Chief Operating Officer — UK & Ireland"
    )

    html = recruiter_client.get(manage_url(posting)).content.decode()

    assert "The job title names a place:</strong> UK, Ireland." in html
    assert '<a href="#id_city">city</a>' in html
    assert '<a href="#id_country">country</a>' in html


def test_a_title_without_a_place_gets_no_warning(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation, title="Director of Operations")

    html = recruiter_client.get(manage_url(posting)).content.decode()

    assert "names a place" not in html


def test_the_warning_is_a_warning_not_an_error(recruiter_client, role):
    posting = saved(recruiter_client, role, title="Office Manager (Frankfurt)")

    assert posting.title == "Office Manager (Frankfurt)"


# --- The checklist ------------------------------------------------------------------------------


def test_the_checklist_stays_when_the_form_has_errors(recruiter_client, role):
    response = recruiter_client.post(
        reverse(NEW), posting_data(role, salary_min="90000", salary_max="70000", apply_url="")
    )

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'id="error-summary"' in html
    assert 'id="checklist"' in html
    # Of what was sent: the apply link was emptied.
    assert "Missing:</span>\n      Apply link or email" in html


def test_the_checklist_counts_the_roles_lines_only_once_edited(recruiter_client, role):
    untouched = new_form(recruiter_client, role)

    assert "Missing:</span>\n      Responsibilities" in untouched


def checklist(client, data, posting=None):
    url = (
        reverse("recruiters:posting_checklist", kwargs={"pk": posting.pk})
        if posting
        else reverse("recruiters:posting_checklist")
    )
    return client.post(url, data)


def test_the_checklist_follows_the_form_as_typed_without_saving(
    recruiter_client, role, django_assert_num_queries
):
    data = posting_data(role, description="Short.", title="Office Manager (Frankfurt)")

    # Session, user, membership; the role chosen and whether it exists; the model's three
    # constraints checked (nine with their savepoints); the role's lines for the checklist.
    with django_assert_num_queries(16):
        response = checklist(recruiter_client, data)

    assert response.status_code == HTTPStatus.OK
    answer = response.json()
    assert "Missing:</span>\n      Description of reasonable length" in answer["checklist"]
    assert "Frankfurt" in answer["title_places"]
    assert not Posting.objects.exists()
    longer = checklist(recruiter_client, posting_data(role)).json()
    assert "Done:</span>\n      Description of reasonable length" in longer["checklist"]
    assert longer["title_places"].strip() == ""


def test_the_checklist_of_an_edited_posting_is_of_what_is_typed(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation, description="Long. " * 80)

    answer = checklist(
        recruiter_client, posting_data(posting.role, description="Short."), posting
    ).json()

    assert "Missing:</span>\n      Description of reasonable length" in answer["checklist"]
    posting.refresh_from_db()
    assert posting.description == "Long. " * 80


def test_another_organisations_posting_has_no_checklist_for_me(recruiter_client):
    theirs = PostingFactory(title="Their Job")

    response = checklist(recruiter_client, posting_data(theirs.role), theirs)

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_checklist_needs_a_signed_in_member_a_post_and_csrf(client, role, membership):
    assert checklist(client, posting_data(role)).status_code == HTTPStatus.FOUND  # to log in
    client.force_login(membership.user)
    assert client.get(reverse("recruiters:posting_checklist")).status_code == 405
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(membership.user)
    assert checklist(csrf_client, posting_data(role)).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    "data",
    [{}, {"role": "x" * 5000}, {"title": "\x00\x01"}, {"salary_min": "1e999999"}, {"role": "-1"}],
)
def test_the_checklist_survives_any_input(recruiter_client, data):
    response = checklist(recruiter_client, data)

    assert response.status_code == HTTPStatus.OK
    assert set(response.json()) == {"checklist", "title_places"}


def test_the_form_page_loads_its_script_from_a_file_and_works_without_it(recruiter_client, role):
    html = new_form(recruiter_client, role)

    assert '<script src="/static/js/posting_form.js" defer></script>' in html
    inline = [
        tag
        for tag in re.findall(r"<script[^>]*>", html)
        if "src=" not in tag and "application/ld+json" not in tag
    ]
    assert inline == []
    # The form posts to the page itself, without the script.
    assert f'action="{reverse(NEW)}"' in html


def test_the_form_reads_the_same_data_unbound_as_bound(role):
    posting = PostingFactory(country="DE", salary_currency="EUR", salary_min=Decimal("50000.00"))

    form = PostingForm.for_stored(posting)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["country"] == "DE"
    assert form.cleaned_data["salary_currency"] == "EUR"
