"""Editing roles in Django admin: the pages render, parts are inlines, history can revert."""

from http import HTTPStatus

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from roles.models import CareerStep, Function, Level, Responsibility, Role
from tests.factories import (
    CareerStepFactory,
    FAQFactory,
    ReportingLineFactory,
    ResponsibilityFactory,
    RoleFactory,
    ShorthandFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def coo():
    # Loaded as the seed content is, outside any revision: the history starts in admin.
    ceo = RoleFactory(title="Chief Executive Officer", abbreviation="CEO")
    coo = RoleFactory(title="Chief Operating Officer", abbreviation="COO")
    ReportingLineFactory(role=coo, manager=ceo)
    CareerStepFactory(from_role=coo, to_role=ceo)
    ResponsibilityFactory(role=coo, text="Run daily operations.", order=1)
    ResponsibilityFactory(role=coo, text="Own the operating budget.", order=2)
    return coo


def change_url(role: Role) -> str:
    return reverse("admin:roles_role_change", args=[role.pk])


def test_admin_pages_are_for_staff_only(client, coo):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:roles_role_changelist"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("admin:login"))


def test_changelist_lists_roles_with_their_columns(staff_client, coo):
    response = staff_client.get(reverse("admin:roles_role_changelist"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for column in ("Title", "Abbreviation", "Function", "Level", "Published", "Updated"):
        assert f">{column}</a>" in html
    assert "Chief Operating Officer" in html


def test_changelist_searches_by_abbreviation_and_filters_by_published(staff_client, coo):
    RoleFactory(title="Draft Role", is_published=False)
    url = reverse("admin:roles_role_changelist")

    found = staff_client.get(url, {"q": "COO"}).content.decode()
    drafts = staff_client.get(url, {"is_published__exact": "0"}).content.decode()

    assert "Chief Operating Officer" in found
    assert "Chief Executive Officer" not in found
    assert "Draft Role" in drafts
    assert "Chief Operating Officer" not in drafts


def test_add_page_renders_with_every_inline(staff_client):
    response = staff_client.get(reverse("admin:roles_role_add"))

    assert response.status_code == HTTPStatus.OK
    prefixes = [inline.formset.prefix for inline in response.context["inline_admin_formsets"]]
    assert prefixes == [
        "alternate_titles",
        "responsibilities",
        "qualifications",
        "faqs",
        "reporting_lines",
        "steps_out",
    ]
    html = response.content.decode()
    prepopulated = html.split("data-prepopulated-fields=")[1].split(">")[0]
    assert "id_slug" in prepopulated
    assert "title" in prepopulated


def test_change_page_renders_parts_in_order_with_view_on_site(staff_client, coo):
    response = staff_client.get(change_url(coo))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.index("Run daily operations.") < html.index("Own the operating budget.")
    assert "View on site" in html
    assert 'class="admin-autocomplete' in html


def test_staff_can_add_a_role_with_responsibilities(staff_client):
    data = admin_form_data(staff_client.get(reverse("admin:roles_role_add")))
    data.update(
        {
            "title": "Operations Analyst",
            "slug": "operations-analyst",
            "function": Function.OPERATIONS,
            "level": Level.PROFESSIONAL,
            "brief_answer": "An operations analyst studies how work gets done.",
            "responsibilities-TOTAL_FORMS": "1",
            "responsibilities-0-area": Responsibility.Area.REPORTING,
            "responsibilities-0-text": "Build the weekly operations report.",
            "responsibilities-0-order": "1",
        }
    )

    response = staff_client.post(reverse("admin:roles_role_add"), data)

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    role = Role.objects.get(slug="operations-analyst")
    assert [r.text for r in role.responsibilities.all()] == ["Build the weekly operations report."]
    assert Version.objects.get_for_object(role).count() == 1


def edit(client, role: Role, **changes: str) -> None:
    data = admin_form_data(client.get(change_url(role)))
    data.update(changes)
    response = client.post(change_url(role), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]


def test_history_shows_a_version_after_an_edit_and_reverting_restores_title_and_parts(
    staff_client, coo
):
    # The first edit leaves the parts alone: its version holds them only because a role's
    # version follows its parts.
    edit(staff_client, coo, brief_answer="A COO runs the company day to day.")
    data = admin_form_data(staff_client.get(change_url(coo)))
    data["title"] = "Chief Operations Officer"
    data["responsibilities-0-text"] = "Run every operation, daily."
    data["responsibilities-1-DELETE"] = "on"
    response = staff_client.post(change_url(coo), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    coo.refresh_from_db()
    assert coo.title == "Chief Operations Officer"
    assert [r.text for r in coo.responsibilities.all()] == ["Run every operation, daily."]

    history = staff_client.get(reverse("admin:roles_role_history", args=[coo.pk]))
    versions = Version.objects.get_for_object(coo)
    assert history.status_code == HTTPStatus.OK
    assert versions.count() == 2
    assert "Changed Title" in history.content.decode()
    earliest = versions.last()
    revision_url = reverse("admin:roles_role_revision", args=[coo.pk, earliest.pk])
    assert revision_url in history.content.decode()

    form = staff_client.get(revision_url)
    assert form.status_code == HTTPStatus.OK
    response = staff_client.post(revision_url, admin_form_data(form))

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    coo.refresh_from_db()
    assert coo.title == "Chief Operating Officer"
    assert coo.brief_answer == "A COO runs the company day to day."
    assert [r.text for r in coo.responsibilities.all()] == [
        "Run daily operations.",
        "Own the operating budget.",
    ]
    assert coo.reporting_lines.get().manager.title == "Chief Executive Officer"
    assert versions.count() == 3


def test_publish_and_unpublish_actions(staff_client, coo):
    draft = RoleFactory(title="Draft Role", is_published=False)
    url = reverse("admin:roles_role_changelist")

    staff_client.post(url, {"action": "publish", "_selected_action": [draft.pk, coo.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    assert Version.objects.get_for_object(draft).count() == 1

    response = staff_client.post(
        url, {"action": "unpublish", "_selected_action": [coo.pk]}, follow=True
    )
    coo.refresh_from_db()
    assert not coo.is_published
    assert "Unpublished 1 role." in response.content.decode()


def test_manager_autocomplete_finds_roles_by_abbreviation(staff_client, coo):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "CEO",
            "app_label": "roles",
            "model_name": "reportingline",
            "field_name": "manager",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert [item["text"] for item in response.json()["results"]] == ["Chief Executive Officer"]


def test_shorthand_is_edited_in_the_admin_with_its_history(staff_client):
    ops = ShorthandFactory(term="ops", meaning="operations")
    url = reverse("admin:roles_shorthand_change", args=[ops.pk])

    listing = staff_client.get(reverse("admin:roles_shorthand_changelist"), {"q": "oper"})
    response = staff_client.post(url, {"term": " OPS ", "meaning": "operational"})
    history = staff_client.get(reverse("admin:roles_shorthand_history", args=[ops.pk]))

    assert listing.status_code == HTTPStatus.OK
    assert '<td class="field-meaning">operations</td>' in listing.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    ops.refresh_from_db()
    assert (ops.term, ops.meaning) == ("ops", "operational")
    assert history.status_code == HTTPStatus.OK
    assert Version.objects.get_for_object(ops).count() == 1


# --- Line endings: the history names what really changed -----------------------------------


def as_a_browser_sends_it(data: dict[str, str]) -> dict[str, str]:
    """A form as a browser posts it: every line of a textarea ended with \\r\\n."""
    return {name: value.replace("\n", "\r\n") for name, value in data.items()}


def test_a_save_from_a_browser_names_only_the_field_that_changed(staff_client, coo):
    coo.overview = "The COO runs operations.\n\nThey report to the CEO."
    coo.sources = "O*NET OnLine\nU.S. Bureau of Labor Statistics"
    coo.save()
    FAQFactory(role=coo, answer="Yes.\n\nUsually.")
    data = as_a_browser_sends_it(admin_form_data(staff_client.get(change_url(coo))))
    data["title"] = "Chief Operations Officer"

    response = staff_client.post(change_url(coo), data)

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    entry = LogEntry.objects.get(object_id=str(coo.pk), action_flag=CHANGE)
    assert entry.get_change_message() == "Changed Title."
    coo.refresh_from_db()
    assert coo.overview == "The COO runs operations.\n\nThey report to the CEO."
    assert "\r" not in coo.faqs.get().answer


def test_an_edited_text_is_stored_with_plain_line_endings(staff_client, coo):
    data = as_a_browser_sends_it(admin_form_data(staff_client.get(change_url(coo))))
    data["overview"] = "First paragraph.\r\n\r\nSecond paragraph."

    staff_client.post(change_url(coo), data)

    coo.refresh_from_db()
    assert coo.overview == "First paragraph.\n\nSecond paragraph."


# --- Preview: the explainer of an unsaved edit ------------------------------------------------


def preview_url(role: Role) -> str:
    return reverse("admin:roles_role_preview", args=[role.pk])


def edited_form(client, role: Role, **changes: str) -> dict[str, str]:
    data = admin_form_data(client.get(change_url(role)))
    data.update(changes)
    return data


def test_the_change_form_has_a_preview_button_that_posts_the_form(staff_client, coo):
    html = staff_client.get(change_url(coo)).content.decode()

    assert f'formaction="{preview_url(coo)}"' in html
    assert 'value="Preview the explainer"' in html


def test_preview_shows_the_unsaved_edit_and_saves_nothing(staff_client, coo):
    before = Role.objects.get(pk=coo.pk).brief_answer
    versions = Version.objects.count()
    data = edited_form(
        staff_client,
        coo,
        brief_answer="A previewed answer about the COO.",
        **{
            "responsibilities-0-text": "Run every operation, as previewed.",
            "responsibilities-1-DELETE": "on",
        },
    )

    response = staff_client.post(preview_url(coo), data)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Preview of unsaved changes" in html
    assert "A previewed answer about the COO." in html
    assert "Run every operation, as previewed." in html
    assert "Own the operating budget." not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert Role.objects.get(pk=coo.pk).brief_answer == before
    assert [r.text for r in coo.responsibilities.all()] == [
        "Run daily operations.",
        "Own the operating budget.",
    ]
    assert Version.objects.count() == versions


def test_preview_shows_an_edited_career_step(staff_client, coo):
    data = edited_form(staff_client, coo, **{"steps_out-0-note": "Often after a big merger."})

    html = staff_client.post(preview_url(coo), data).content.decode()

    assert "Often after a big merger." in html
    assert CareerStep.objects.get(from_role=coo).note != "Often after a big merger."


def test_preview_of_an_invalid_form_lists_its_errors(staff_client, coo):
    data = edited_form(staff_client, coo, title="", **{"responsibilities-0-area": "nonsense"})

    response = staff_client.post(preview_url(coo), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "Title: This field is required." in html
    assert "Responsibilities: Select a valid choice." in html


def test_preview_is_a_post(staff_client, coo):
    assert staff_client.get(preview_url(coo)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_preview_is_for_staff_only(client, coo):
    data = {"title": "Hijacked"}
    anonymous = client.post(preview_url(coo), data)
    client.force_login(UserFactory())
    not_staff = client.post(preview_url(coo), data)

    for response in (anonymous, not_staff):
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("admin:login"))


def test_preview_needs_the_forms_csrf_token(coo):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(StaffFactory())

    response = browser.post(preview_url(coo), {"title": "Chief Operating Officer"})

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_preview_of_an_unknown_role_is_not_found(staff_client):
    response = staff_client.post(reverse("admin:roles_role_preview", args=[999999]), {})

    assert response.status_code == HTTPStatus.NOT_FOUND
