"""Corrections to the shipped role content reach databases that hold the old text
(roles/seeding.py, load_roles): a value nobody edited takes the correction, a value an
editor changed stays theirs, and every write is in the role's history."""

import json
import shutil
from io import StringIO

import pytest
import reversion
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from reversion.models import Version

from roles import seeding
from roles.management.commands.load_roles import CONTENT_DIR
from roles.models import CareerStep, Explainer, Responsibility, Role
from tests.helpers import get_page

pytestmark = pytest.mark.django_db

# The Director of Operations as the first content had it, before the review.
OLD_DIRECTOR_BRIEF = (
    "A Director of Operations plans how a business runs and makes sure it hits its targets. "
    "They set monthly, quarterly and yearly goals, decide how people and money are shared "
    "between teams, shape how the company markets itself and serves customers, and keep costs "
    "under control. They usually report to the general manager and lead a team of operations "
    "managers."
)
OLD_DIRECTOR_FIELDS = "Digital marketing, Business administration, Operations management, Economics"
OLD_DIRECTOR_SOURCES = (
    "Adapted from a recruitment-site explainer of the role\n"
    "O*NET OnLine, 11-1021.00 General and Operations Managers (CC BY 4.0)\n"
    "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025 "
    "(11-1021 General and Operations Managers)"
)


def load(path=CONTENT_DIR) -> str:
    out = StringIO()
    call_command("load_roles", path=path, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def content(tmp_path):
    """A writable copy of the shipped content, loaded."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    load(folder)
    return folder


def edit_file(folder, slug, change):
    path = folder / f"{slug}.json"
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


@pytest.fixture
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def test_a_corrected_field_reaches_a_role_nobody_edited(content, client):
    edit_file(content, "founder", lambda d: d.update(brief_answer="A corrected answer. " * 5))

    output = load(content)

    assert Role.objects.get(slug="founder").brief_answer.startswith("A corrected answer.")
    assert "Corrected role: Founder (brief answer)" in output
    assert "A corrected answer." in get_page(client, "/roles/founder/")


def test_an_editors_change_is_kept_when_the_content_changes_the_same_field(content):
    founder = Role.objects.get(slug="founder")
    founder.brief_answer = "An editor's answer."
    founder.save()
    edit_file(
        content,
        "founder",
        lambda d: d.update(brief_answer="A corrected answer.", isco_code="1120", level="owner"),
    )
    edit_file(content, "founder", lambda d: d.update(overview=["A corrected overview."]))

    output = load(content)

    founder.refresh_from_db()
    assert founder.brief_answer == "An editor's answer."
    assert founder.overview == "A corrected overview."
    assert "Kept the admin's edits to Founder where the content changed too: brief answer" in output


def test_a_text_saved_with_browser_line_endings_still_counts_as_unedited(content):
    founder = Role.objects.get(slug="founder")
    Role.objects.filter(pk=founder.pk).update(overview=founder.overview.replace("\n", "\r\n"))
    edit_file(content, "founder", lambda d: d.update(overview=["A corrected overview."]))

    load(content)

    assert Role.objects.get(slug="founder").overview == "A corrected overview."


def test_corrected_parts_replace_the_old_ones_on_the_page(content, client, no_page_cache):
    edit_file(
        content,
        "founder",
        lambda d: d.update(
            responsibilities=[{"area": "strategy", "text": "Decide what to build."}]
        ),
    )

    load(content)

    founder = Role.objects.get(slug="founder")
    assert list(founder.responsibilities.values_list("text", flat=True)) == [
        "Decide what to build."
    ]
    html = get_page(client, founder.get_absolute_url())
    assert "Decide what to build." in html
    assert "Find the first customers" not in html


def test_edited_parts_are_kept_whole(content):
    founder = Role.objects.get(slug="founder")
    Responsibility.objects.filter(role=founder).first().delete()
    edit_file(
        content,
        "founder",
        lambda d: d.update(
            responsibilities=[{"area": "strategy", "text": "Decide what to build."}]
        ),
    )

    load(content)

    texts = list(founder.responsibilities.values_list("text", flat=True))
    assert "Decide what to build." not in texts
    assert len(texts) >= 5


def test_a_corrected_career_step_note_and_a_step_gone_from_the_file(content):
    def change(document):
        document["career_steps"] = [
            {**step, "note": "Some do."}
            for step in document["career_steps"]
            if step["to_role"] != "general-manager"
        ]

    edit_file(content, "director-of-operations", change)

    load(content)

    steps = CareerStep.objects.filter(from_role__slug="director-of-operations")
    assert set(steps.values_list("to_role__slug", "note")) == {
        ("vice-president-of-operations", "Some do."),
        ("founder", "Some do."),
    }


def test_a_second_load_of_the_same_content_writes_nothing(content):
    versions = Version.objects.count()

    output = load(content)

    assert "nothing to create" in output
    assert Version.objects.count() == versions


def test_a_role_made_in_the_admin_is_never_corrected(content):
    founder = Role.objects.get(slug="founder")
    Role.objects.filter(pk=founder.pk).update(seeded={}, brief_answer="Made in the admin.")
    edit_file(content, "founder", lambda d: d.update(brief_answer="A corrected answer."))

    load(content)

    assert Role.objects.get(slug="founder").brief_answer == "Made in the admin."


# --- History -------------------------------------------------------------------------------


def test_every_loaded_role_starts_with_a_version_holding_its_parts(content):
    founder = Role.objects.get(slug="founder")
    [version] = Version.objects.get_for_object(founder)

    assert version.field_dict["brief_answer"] == founder.brief_answer
    assert "seeded" not in version.field_dict
    parts = version.revision.version_set.filter(content_type__model="responsibility")
    texts = {part.field_dict["text"] for part in parts if part.field_dict["role_id"] == founder.pk}
    assert texts == set(founder.responsibilities.values_list("text", flat=True))


def test_a_role_loaded_before_the_history_gets_a_first_version_to_revert_to(content):
    Version.objects.all().delete()
    founder = Role.objects.get(slug="founder")
    original = founder.brief_answer
    edit_file(content, "founder", lambda d: d.update(brief_answer="A corrected answer."))

    load(content)

    first, correction = reversed(Version.objects.get_for_object(founder))
    assert first.revision.comment == "The role as it stood when its history began."
    assert correction.field_dict["brief_answer"] == "A corrected answer."
    first.revision.revert(delete=True)
    founder.refresh_from_db()
    assert founder.brief_answer == original


def test_a_reverted_correction_is_not_written_again(content):
    founder = Role.objects.get(slug="founder")
    original = founder.brief_answer
    edit_file(content, "founder", lambda d: d.update(brief_answer="A corrected answer."))
    load(content)
    first = list(Version.objects.get_for_object(founder))[-1]
    with reversion.create_revision():
        first.revision.revert()

    load(content)

    founder.refresh_from_db()
    assert founder.brief_answer == original


# --- A database loaded with the first content -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_database_loaded_with_the_first_content_takes_the_review_where_nobody_edited():
    """Rows made with the models as they were before the review's migration, then migrated
    and loaded as `make run` does: the migration recognises the first content's values."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    (review,) = (k for k in graph.nodes if k[0] == "roles" and k[1].endswith("_content_review"))
    before = [parent.key for parent in graph.node_map[review].parents if parent.key[0] == "roles"]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old.get_model("roles", "Role").objects.create(
        slug="director-of-operations",
        title="Director of Operations",
        function="operations",
        level="director",
        brief_answer=OLD_DIRECTOR_BRIEF,
        overview="An editor rewrote this overview.",
        education_level="bachelor",
        fields_of_study=OLD_DIRECTOR_FIELDS,
        experience_years_min=3,
        experience_years_max=5,
        onet_soc_code="11-1021.00",
        isco_code="1219",
        sources=OLD_DIRECTOR_SOURCES,
        is_published=True,
    )
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    output = load()

    director = Role.objects.get(slug="director-of-operations")
    assert director.brief_answer.startswith("A Director of Operations runs the day-to-day")
    assert (director.experience_years_min, director.experience_years_max) == (7, 12)
    assert "Digital marketing" not in director.fields_of_study
    assert "machine-translated" in director.sources
    assert director.reviewed_on is not None
    assert director.overview == "An editor rewrote this overview."
    assert "Kept the admin's edits to Director of Operations" in output
    assert director.seeded["brief_answer"] == seeding.digest(director.brief_answer)


@pytest.mark.django_db(transaction=True)
def test_a_correction_renders_the_stored_explainer_again(tmp_path):
    """Each load commits as `make run` commits it, and the stored explainers are rendered
    again once it has."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    load(content)
    assert "Find the first customers" in Explainer.objects.get(role__slug="founder").about_html
    edit_file(
        content,
        "founder",
        lambda d: d.update(
            responsibilities=[{"area": "strategy", "text": "Decide what to build."}]
        ),
    )

    load(content)

    stored = Explainer.objects.get(role__slug="founder")
    assert "Decide what to build." in stored.about_html
    assert "Find the first customers" not in stored.about_html
