"""Stored explainers (roles/explainers.py): what a role's explainer shows of the role alone is
rendered when roles are written, and the page is the same whether it reads the stored
fragments or renders its own."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from roles.explainers import render_explainers
from roles.management.commands.load_wages import load_wages
from roles.models import FAQ, Explainer, Function, Responsibility, Role
from tests.factories import (
    AlternateTitleFactory,
    CareerStepFactory,
    FAQFactory,
    OccupationWageFactory,
    PostingFactory,
    ReportingLineFactory,
    RoleFactory,
    WageAreaFactory,
    build_site,
)
from tests.helpers import get_page

pytestmark = pytest.mark.django_db

# The role with its stored explainer (one join; the pay section's areas among it), its newest
# open postings, their salaries (the stored ones first, none of so few postings).
STORED_EXPLAINER_QUERIES = 4


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Each request renders the page: these tests are about what it is rendered from."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def site():
    data = build_site()
    # A role of the same function with no route to the others: listed as "also in".
    RoleFactory(title="Operations Analyst", function=Function.OPERATIONS)
    return data


def pages(client) -> dict[str, str]:
    return {role.slug: get_page(client, role.get_absolute_url()) for role in published()}


def published() -> list[Role]:
    return list(Role.objects.published())


def test_a_stored_explainer_shows_the_same_page_the_role_would_render(client, site):
    rendered_by_the_page = pages(client)
    assert not Explainer.objects.exists()

    assert render_explainers() == len(published())

    assert pages(client) == rendered_by_the_page


def test_with_its_explainer_stored_the_page_runs_a_fixed_few_queries(client, site):
    """Guards against the stored page reading a role's parts or routes again: whatever their
    number, the page reads the role with its explainer, then its postings."""
    busy = site.coo
    for _ in range(30):
        AlternateTitleFactory(role=busy)
        FAQFactory(role=busy)
        ReportingLineFactory(role=RoleFactory(), manager=busy)
        CareerStepFactory(from_role=busy, to_role=RoleFactory())
        PostingFactory(role=busy)
    render_explainers()
    counts = []
    for role in (site.director, busy):
        with CaptureQueriesContext(connection) as captured:
            get_page(client, role.get_absolute_url())
        counts.append(len(captured))

    assert counts == [STORED_EXPLAINER_QUERIES, STORED_EXPLAINER_QUERIES]


def retitle_the_ceo(site):
    site.ceo.title = "Group Chief Executive"
    site.ceo.save()


def make_the_director_a_chief_executive(site):
    # The wage tables change only when loaded, which tells the explainers itself.
    chief_executives_in(name="Texas", code="4800000")
    site.director.onet_soc_code = "11-1011.00"
    site.director.save()


def chief_executives_in(*, name: str, code: str) -> None:
    OccupationWageFactory(
        area=WageAreaFactory(code=code, name=name),
        soc_code="11-1011",
        occupation="Chief Executives",
    )


@pytest.mark.parametrize(
    ("edit", "where", "new"),
    [
        (retitle_the_ceo, "coo", "Group Chief Executive"),
        (
            lambda site: Responsibility.objects.filter(role=site.coo).update(
                text="Run the supply chain end to end."
            ),
            "coo",
            "Run the supply chain end to end.",
        ),
        (
            lambda site: FAQ.objects.bulk_create(
                [FAQ(role=site.director, question="Is it a desk job?", answer="Rarely.")]
            ),
            "director",
            "Is it a desk job?",
        ),
        (
            lambda site: AlternateTitleFactory(role=site.director, title="Plant Director"),
            "director",
            "Plant Director",
        ),
        (
            lambda site: Role.objects.filter(pk=site.ceo.pk).update(title="Managing Director"),
            "coo",
            "Managing Director",
        ),
        (make_the_director_a_chief_executive, "director", '<option value="4800000">Texas'),
    ],
    ids=[
        "neighbour's title",
        "update()",
        "bulk_create()",
        "a new part",
        "a neighbour update()",
        "the areas of another occupation",
    ],
)
@pytest.mark.django_db(transaction=True)
def test_a_write_to_roles_shows_at_once_and_is_stored_again_once_it_commits(
    client, site, edit, where, new
):
    url = getattr(site, where).get_absolute_url()
    assert Explainer.objects.count() == len(published())
    assert new not in get_page(client, url)

    with transaction.atomic():
        edit(site)
        # Before the write commits: nothing stored, the page renders its own.
        assert not Explainer.objects.exists()
        assert new in get_page(client, url)

    assert Explainer.objects.count() == len(published())
    stored = Explainer.objects.get(role__slug=getattr(site, where).slug)
    assert new in "".join(stored.fragments().values())
    assert new in get_page(client, url)


@pytest.mark.django_db(transaction=True)
def test_loading_the_wage_tables_stores_the_areas_on_offer_again(site):
    stored = Explainer.objects.get(role=site.director).area_options_html
    assert "Alabama" not in stored

    load_wages()

    stored = Explainer.objects.get(role=site.director).area_options_html
    assert '<option value="0100000">Alabama</option>' in stored
    assert '<option value="0600000">California</option>' in stored


def test_the_explainers_read_every_occupations_areas_in_one_query(site):
    """Guards against a query per role or per occupation when they are all rendered: roles
    share occupations, and each offers some 590 areas."""
    with CaptureQueriesContext(connection) as captured:
        render_explainers()
    chief = RoleFactory(title="Chief Executive", onet_soc_code="11-1011.00")
    chief_executives_in(name="Texas", code="4800000")
    RoleFactory(title="Chief Financial Officer", onet_soc_code="11-3031.00")

    with CaptureQueriesContext(connection) as more:
        render_explainers()

    assert len(more) == len(captured)
    stored = Explainer.objects.get(role=chief).area_options_html
    assert '<option value="4800000">Texas</option>' in stored


@pytest.mark.django_db(transaction=True)
def test_many_writes_in_one_transaction_render_the_explainers_once(site):
    with transaction.atomic():
        for n in range(5):
            FAQFactory(role=site.coo, question=f"Question {n}?")
        waiting = [callback for _, callback, _ in connection.run_on_commit]

    assert waiting.count(render_explainers) == 1


def test_a_page_that_renders_its_own_explainer_stores_nothing(client, site):
    get_page(client, site.coo.get_absolute_url())

    assert not Explainer.objects.exists()


def test_the_page_shows_the_stored_fragments_and_in_debug_mode_renders_its_own(
    client, site, settings
):
    render_explainers()
    # Behind the models' back, as a stale row would be: only the page's source tells.
    Explainer.objects.filter(role=site.coo).update(about_html="<p>Stored words</p>")

    assert "Stored words" in get_page(client, site.coo.get_absolute_url())
    settings.DEBUG = True
    assert "Stored words" not in get_page(client, site.coo.get_absolute_url())


def test_migrate_renders_every_published_explainer_and_drops_the_unpublished(site):
    render_explainers()
    Role.objects.filter(pk=site.director.pk).update(is_published=False)
    assert not Explainer.objects.exists()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert set(Explainer.objects.values_list("role__slug", flat=True)) == {
        role.slug for role in published()
    }
    assert site.director.slug not in set(Explainer.objects.values_list("role__slug", flat=True))
