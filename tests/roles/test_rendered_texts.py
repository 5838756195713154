"""A role's Markdown (its overview, its FAQs' answers) is stored rendered when written, by
every write: save(), the admin, update(), bulk_create(), bulk_update() and load_roles; a row
whose columns are null is rendered when shown."""

import json
import re
from html import unescape
from http import HTTPStatus

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client
from django.urls import reverse

from roles.management.commands.load_roles import load_roles
from roles.models import FAQ, Role
from tests.factories import FAQFactory, RoleFactory, StaffFactory, write_behind_the_caches_back
from tests.helpers import admin_form_data, get_page

pytestmark = pytest.mark.django_db

HOSTILE = "We **lead**.\n\n<script>alert(1)</script> [site](javascript:alert(1))"


def occupation_description(html: str) -> str:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    return json.loads(unescape(block[1]))["description"]


def test_a_saved_overview_and_answer_are_stored_rendered_and_sanitised():
    role = RoleFactory(overview=HOSTILE)
    faq = FAQFactory(role=role, answer=HOSTILE)

    stored_role, stored_faq = Role.objects.get(pk=role.pk), FAQ.objects.get(pk=faq.pk)

    for html in (stored_role.overview_html, stored_faq.answer_html):
        assert "<strong>lead</strong>" in html
        assert "<script>" not in html
        assert "javascript:" not in html


def test_the_explainer_shows_the_stored_html_sanitised(client):
    role = RoleFactory(overview=HOSTILE)
    FAQFactory(role=role, answer="Mostly *peers*.<script>alert(2)</script>")

    html = get_page(client, role.get_absolute_url())

    assert "We <strong>lead</strong>." in html
    assert "Mostly <em>peers</em>." in html
    assert "alert(1)" not in html
    assert "alert(2)" not in html


def test_saving_only_the_overview_stores_its_html_too():
    role = RoleFactory(overview="Before.")
    role.overview = "After *this*."
    role.save(update_fields=["overview"])

    assert Role.objects.get(pk=role.pk).overview_html == "<p>After <em>this</em>.</p>"


def test_texts_written_by_update_bulk_create_and_bulk_update_are_rendered():
    role = RoleFactory()
    Role.objects.filter(pk=role.pk).update(overview="Updated *in bulk*.")
    created = FAQ.objects.bulk_create([FAQ(role=role, question="Q?", answer="Created *in bulk*.")])
    faq = FAQFactory(role=role, answer="Before.")
    faq.answer = "Changed *in bulk*."
    FAQ.objects.bulk_update([faq], ["answer"])

    stored = Role.objects.get(pk=role.pk)
    assert stored.overview_html == "<p>Updated <em>in bulk</em>.</p>"
    assert FAQ.objects.get(pk=created[0].pk).answer_html == "<p>Created <em>in bulk</em>.</p>"
    assert FAQ.objects.get(pk=faq.pk).answer_html == "<p>Changed <em>in bulk</em>.</p>"


def test_a_text_updated_from_an_expression_is_rendered_when_shown(client):
    role = RoleFactory(overview="Old *overview*.")
    FAQFactory(role=role, question="Why", answer="Old *answer*.")
    Role.objects.filter(pk=role.pk).update(overview=Concat(Value("New *"), F("slug"), Value("*")))
    FAQ.objects.filter(role=role).update(answer=Concat(Value("New *"), F("question"), Value("*")))

    html = get_page(client, role.get_absolute_url())

    assert f"New <em>{role.slug}</em>" in html
    assert "New <em>Why</em>" in html
    assert "Old <em>" not in html


def test_load_roles_stores_every_text_rendered(tmp_path):
    load_roles(
        [
            {
                "slug": "operations-analyst",
                "title": "Operations Analyst",
                "function": "operations",
                "level": "professional",
                "brief_answer": "An *analyst* of operations.",
                "overview": ["First **paragraph**.", "Second paragraph."],
                "faqs": [{"question": "Is it fun?", "answer": "Often *very*."}],
            }
        ]
    )

    role = Role.objects.get(slug="operations-analyst")
    assert (
        role.overview_html == "<p>First <strong>paragraph</strong>.</p>\n<p>Second paragraph.</p>"
    )
    assert role.faqs.get().answer_html == "<p>Often <em>very</em>.</p>"


def test_a_role_whose_columns_are_null_still_renders_its_texts(client):
    role = RoleFactory(overview="Written *around* the model.")
    faq = FAQFactory(role=role, answer="Answered *around* it.")
    write_behind_the_caches_back(role, overview_html=None)
    write_behind_the_caches_back(faq, answer_html=None)

    html = get_page(client, role.get_absolute_url())

    assert "Written <em>around</em> the model." in html
    assert "Answered <em>around</em> it." in html


def test_the_occupation_description_is_the_brief_answer_without_its_markdown(client):
    role = RoleFactory(brief_answer="A **lead** role, with [a link](https://example.com).")

    html = get_page(client, role.get_absolute_url())

    assert occupation_description(html) == "A lead role, with a link."


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_an_admin_edit_of_the_overview_or_an_answer_shows_at_the_next_request(staff_client):
    role = RoleFactory(overview="The *old* overview.")
    FAQFactory(role=role, answer="The *old* answer.")
    visitor = Client()
    assert "The <em>old</em> overview." in get_page(visitor, role.get_absolute_url())
    change_url = reverse("admin:roles_role_change", args=[role.pk])
    data = admin_form_data(staff_client.get(change_url))
    data["overview"] = "The *new* overview."
    data["faqs-0-answer"] = "The *new* answer."

    response = staff_client.post(change_url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    html = get_page(visitor, role.get_absolute_url())
    assert "The <em>new</em> overview." in html
    assert "The <em>new</em> answer." in html
    assert "The <em>old</em>" not in html


def test_an_overview_rewritten_on_conflict_is_stored_rendered_anew():
    role = RoleFactory(overview="The *old* overview.")
    again = RoleFactory.build(slug=role.slug, title=role.title, overview="The *new* overview.")

    Role.objects.bulk_create(
        [again], update_conflicts=True, unique_fields=["slug"], update_fields=["overview"]
    )

    assert "<em>new</em>" in Role.objects.get(pk=role.pk).overview_html
