"""`manage.py seed_demo`: deterministic, idempotent, varied demo postings."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from postings.models import Organisation, Posting
from roles.models import Level
from tests.factories import (
    AlternateTitleFactory,
    QualificationFactory,
    ResponsibilityFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles():
    made = []
    for title, level, alternates in [
        ("Chief Operating Officer", Level.EXECUTIVE, ["Operations Chief"]),
        ("Director of Operations", Level.DIRECTOR, ["Head of Operations", "Operations Director"]),
        ("Operations Manager", Level.MANAGER, []),
        ("Operations Analyst", Level.PROFESSIONAL, []),
    ]:
        role = RoleFactory(title=title, level=level)
        for alternate in alternates:
            AlternateTitleFactory(role=role, title=alternate)
        for n in range(6):
            ResponsibilityFactory(role=role, text=f"{title} responsibility {n}.")
            QualificationFactory(role=role, text=f"{title} qualification {n}.")
        made.append(role)
    RoleFactory(title="Unpublished Role", is_published=False)
    return made


def seed(postings: int = 200, seed: int = 1) -> str:
    out = StringIO()
    call_command("seed_demo", postings=postings, seed=seed, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Posting.objects.order_by("slug").values_list(
            "slug", "title", "organisation__slug", "role__slug", "country", "salary_min", "status"
        )
    )


def test_seed_demo_without_published_roles_says_to_load_them_first():
    RoleFactory(is_published=False)

    with pytest.raises(CommandError, match="load_roles"):
        seed()

    assert not Posting.objects.exists()


def test_the_same_seed_gives_the_same_postings(roles):
    seed(seed=7)
    first = snapshot()
    Posting.objects.all().delete()

    seed(seed=7)

    assert snapshot() == first
    assert len(first) == 200


def test_another_seed_gives_other_postings(roles):
    seed(postings=50, seed=1)
    first = {row[0] for row in snapshot()}

    seed(postings=50, seed=2)

    assert len({row[0] for row in snapshot()} - first) == 50


def test_running_it_again_adds_nothing_and_a_larger_count_only_adds(roles):
    seed(postings=100)
    first = snapshot()

    output = seed(postings=100)
    assert "Added 0 demo postings (100 already there)" in output
    assert snapshot() == first

    seed(postings=150)
    assert Posting.objects.count() == 150
    assert set(first) <= set(snapshot())


def test_demo_postings_are_varied_and_realistic(roles):
    seed(postings=400)
    postings = list(Posting.objects.select_related("role"))

    assert Organisation.objects.count() >= 30
    assert {posting.role for posting in postings} == set(roles)
    assert len({posting.country for posting in postings}) >= 8
    assert len({posting.salary_currency for posting in postings} - {""}) >= 4
    assert {"year", "day", "hour", "month"} <= {posting.salary_period for posting in postings}
    assert {"on_site", "hybrid", "remote"} <= {posting.workplace for posting in postings}
    remote = [posting for posting in postings if posting.workplace == "remote"]
    assert any(posting.remote_countries == "" for posting in remote)
    assert any(" " in posting.remote_countries for posting in remote)
    assert {"published", "closed", "draft"} <= {posting.status for posting in postings}
    assert len({posting.title for posting in postings}) >= 60
    assert any("—" in posting.title for posting in postings)
    assert any(posting.title == "Head of Operations" for posting in postings)
    assert any(", " in posting.title for posting in postings)
    assert 0 < Posting.objects.public().count() < len(postings)
    published = [posting.published_at for posting in postings if posting.published_at]
    assert (max(published) - min(published)).days >= 60


def test_demo_postings_draw_their_text_from_their_role(roles):
    seed(postings=40)

    for posting in Posting.objects.select_related("role"):
        own = {item.text.rstrip(".") for item in posting.role.responsibilities.all()}
        assert set(posting.responsibility_list) <= own
        assert len(posting.responsibility_list) >= 4
        assert posting.description.count("\n\n") >= 6
        assert "## What you will do" in posting.description


def test_demo_salaries_are_annualised_and_consistent(roles):
    seed(postings=200)

    for posting in Posting.objects.exclude(salary_min=None):
        assert posting.salary_currency
        assert posting.salary_min_annual is not None
        assert posting.salary_top_eur > 0  # converted: every demo currency has a rate
        if posting.salary_max is not None:
            assert posting.salary_min <= posting.salary_max
            assert posting.salary_max_annual >= posting.salary_min_annual
