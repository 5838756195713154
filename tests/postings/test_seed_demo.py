"""`manage.py seed_demo`: deterministic, idempotent, varied demo postings that make sense: a
posting's title, text, role, terms, workplace and place agree with each other and with its
organisation's sector and headquarters."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.text import slugify

from postings import demo_organisations
from postings.display import country_name
from postings.management.commands.seed_demo import (
    DEPARTMENTS,
    MARKETS,
    ORGANISATIONS,
    PLACES,
    REMOTE_REGIONS,
    ROLE_SECTORS,
    SECTORS,
)
from postings.models import Organisation, Posting
from roles.models import Level, Role
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
    assert len({posting.title for posting in postings}) >= 30
    assert any(posting.title.startswith("Interim ") for posting in postings)
    assert any(posting.title.startswith("Senior ") for posting in postings)
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


# -- Postings that make sense, over the site's own roles ------------------------------------

HEADQUARTERS = {slugify(name): place for name, _sector, place in ORGANISATIONS}
SECTOR = {slugify(name): sector for name, sector, _place in ORGANISATIONS}
LEADING = {Level.EXECUTIVE, Level.VICE_PRESIDENT}
CHAIR = "chair-of-the-board"


@pytest.fixture
def demo():
    """A seeded sample over the shipped roles, each posting with its role's names."""
    call_command("load_roles", stdout=StringIO())
    seed(postings=700, seed=3)
    postings = list(Posting.objects.select_related("role", "organisation"))
    names = {
        role.pk: {role.title, *role.alternate_titles.values_list("title", flat=True)}
        for role in Role.objects.prefetch_related("alternate_titles")
    }
    return postings, names


def title_parts(posting, names) -> tuple[str, str]:
    """The role's name the title is built around (its title or an alternate title), and
    the department it adds ("" for none)."""
    title = posting.title.removeprefix("Interim ").removesuffix(" Intern")
    for candidate in (title, title.removeprefix("Senior ")):
        for name in sorted(names[posting.role_id], key=len, reverse=True):
            if candidate == name or candidate.startswith(f"{name}, "):
                return name, candidate.removeprefix(name).removeprefix(", ")
    raise AssertionError(posting.title)


def about(posting) -> str:
    return posting.description.split("## About the role\n\n")[1].split("\n\n")[0]


def test_the_headquarters_and_sectors_are_those_the_company_pages_show():
    for name, sector, (city, region, country) in ORGANISATIONS:
        shown, _size = demo_organisations.HEADQUARTERS[name]
        assert shown in {f"{city}, {country_name(country)}", city}, name
        assert (city, region, country) in PLACES, name
        assert demo_organisations.industry_of(f"{name} {SECTORS[sector]}."), name


def test_titles_name_no_place_and_only_the_departments_of_the_role_and_sector(demo):
    postings, names = demo
    places = {name for city, region, _country in PLACES for name in (city, region) if name}
    places |= {country_name(code) for code in REMOTE_REGIONS}
    places |= {"Europe", "EMEA", "APAC", "DACH", "Benelux", "Nordics", "North America"}
    naming_a_place = re.compile("|".join(rf"\b{re.escape(place)}\b" for place in places))

    for posting in postings:
        assert not naming_a_place.search(posting.title), posting.title
        assert not re.search(r"[(—]", posting.title), posting.title
        name, department = title_parts(posting, names)
        if department:
            allowed = DEPARTMENTS[posting.role.function]
            sectors = dict(allowed)[department]
            assert sectors is None or SECTOR[posting.organisation.slug] in sectors, posting.title
            assert posting.role.level not in LEADING
            assert posting.role.slug != CHAIR
            assert not set(name.lower().split()) & set(department.lower().split())


def test_the_text_calls_the_role_by_the_titles_name_and_no_other(demo):
    postings, names = demo

    for posting in postings:
        name, _department = title_parts(posting, names)
        text = about(posting)
        assert name in text, (posting.title, text)
        others = {other for other in names[posting.role_id] if other not in name}
        assert not {other for other in others if other in text}, (posting.title, text)


def test_leaders_are_hired_full_time_or_as_interims_at_headquarters_and_paid_by_the_year_or_day(
    demo,
):
    postings, _ = demo
    leaders = [
        posting
        for posting in postings
        if posting.role.level in LEADING and posting.role.slug != CHAIR
    ]

    assert leaders
    for posting in leaders:
        city, _region, country = HEADQUARTERS[posting.organisation.slug]
        assert posting.employment_type in {"full_time", "contract"}, posting.title
        assert posting.country == country, posting.title
        assert posting.city in {city, ""}, posting.title
        assert posting.city or posting.workplace == "remote"
        assert posting.salary_period in {"year", "month", "day"}, posting.title
        assert posting.title.startswith("Interim ") <= (posting.employment_type == "contract")


def test_directors_and_above_are_never_part_time_temporary_or_paid_by_the_hour(demo):
    postings, _ = demo
    senior = {Level.EXECUTIVE, Level.VICE_PRESIDENT, Level.DIRECTOR}

    for posting in postings:
        if posting.role.level in senior and posting.role.slug != CHAIR:
            assert posting.employment_type not in {"part_time", "temporary", "internship"}
            assert posting.salary_period != "hour", posting.title
        if posting.employment_type == "internship":
            assert posting.role.level == Level.PROFESSIONAL, posting.title


def test_the_board_chair_is_a_part_time_appointment_at_headquarters(demo):
    postings, _ = demo
    chairs = [posting for posting in postings if posting.role.slug == CHAIR]

    assert chairs
    for posting in chairs:
        assert posting.employment_type == "part_time"
        assert (posting.city, posting.region, posting.country) == HEADQUARTERS[
            posting.organisation.slug
        ]
        assert ", " not in posting.title
        assert "non-executive appointment" in about(posting)
        assert "home office" not in posting.description


def test_roles_are_posted_by_organisations_whose_sector_has_them(demo):
    postings, _ = demo
    seen = set()

    for posting in postings:
        if posting.role.slug in ROLE_SECTORS:
            sector = SECTOR[posting.organisation.slug]
            assert sector in ROLE_SECTORS[posting.role.slug], (posting.title, sector)
            seen.add(posting.role.slug)
    assert {"plant-manager", "store-manager"} <= seen


def test_postings_are_in_countries_where_their_organisation_hires(demo):
    postings, _ = demo

    for posting in postings:
        home = HEADQUARTERS[posting.organisation.slug][2]
        assert posting.country in MARKETS[home], (posting.organisation.slug, posting.country)
        if posting.city:
            assert (posting.city, posting.region, posting.country) in PLACES


def test_the_text_states_the_postings_own_terms_and_workplace(demo):
    postings, _ = demo
    terms = {
        "contract": "interim assignment",
        "temporary": "temporary post",
        "internship": "paid internship",
    }

    for posting in postings:
        text = about(posting)
        for employment_type, words in terms.items():
            assert (words in text) == (posting.employment_type == employment_type), text
        if posting.role.slug != CHAIR:
            assert ("part-time" in text) == (posting.employment_type == "part_time"), text
        assert ("fully remote" in text) == (posting.workplace == "remote"), text
        assert ("hybrid" in text) == (posting.workplace == "hybrid"), text
        if posting.workplace == "on_site":
            assert f"based in {posting.city}." in text, text
        if posting.workplace == "hybrid":
            assert posting.city in text, text
        if posting.workplace == "remote":
            assert all(country_name(code) in text for code in posting.remote_countries.split())
        assert ("home office" in posting.description) <= (posting.workplace != "on_site")


def test_store_managers_are_offered_what_store_managers_earn_not_a_managers_range(demo):
    postings, _ = demo
    offers = [
        posting.salary_max_annual or posting.salary_min_annual
        for posting in postings
        if posting.role.slug == "store-manager"
        and posting.salary_currency == "USD"
        and posting.employment_type == "full_time"
    ]

    assert offers
    assert all(offer <= 85_000 for offer in offers), offers
