import pytest
from django.db import IntegrityError, transaction

from roles.models import Role, load_routes
from tests.factories import (
    AlternateTitleFactory,
    CareerStepFactory,
    ReportingLineFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def test_a_role_cannot_need_more_minimum_than_maximum_experience():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(experience_years_min=6, experience_years_max=2)


def test_an_open_ended_or_equal_experience_range_is_allowed():
    RoleFactory(experience_years_min=15, experience_years_max=None)
    RoleFactory(experience_years_min=None, experience_years_max=3)
    RoleFactory(experience_years_min=4, experience_years_max=4)

    assert Role.objects.count() == 3


# The routes between roles: a reporting line (role → manager) and a career step (from → to),
# each with another value of its own for the second of a pair.
ROUTES = pytest.mark.parametrize(
    ("factory", "start", "end", "other"),
    [
        (ReportingLineFactory, "role", "manager", {"is_typical": False}),
        (CareerStepFactory, "from_role", "to_role", {"note": "Again."}),
    ],
    ids=["reporting-line", "career-step"],
)


@ROUTES
def test_a_route_cannot_lead_from_a_role_to_itself(factory, start, end, other):
    role = RoleFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**{start: role, end: role})


@ROUTES
def test_a_route_between_two_roles_exists_only_once(factory, start, end, other):
    route = factory()

    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**{start: getattr(route, start), end: getattr(route, end)}, **other)


def test_an_alternate_title_appears_once_per_role():
    title = AlternateTitleFactory(title="Head of Operations")

    with pytest.raises(IntegrityError), transaction.atomic():
        AlternateTitleFactory(role=title.role, title="Head of Operations")
    AlternateTitleFactory(title="Head of Operations")


def test_two_roles_cannot_share_a_slug():
    RoleFactory(slug="chief-operating-officer", title="Chief Operating Officer")

    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(
            slug="chief-operating-officer",
            title="Chief Operations Officer",
            function="operations",
            level="executive",
            brief_answer="A copy.",
        )


def test_published_excludes_drafts():
    published = RoleFactory(title="Published Role")
    RoleFactory(title="Draft Role", is_published=False)

    assert list(Role.objects.published()) == [published]


def test_routes_lead_to_published_roles_only_in_both_directions():
    role = RoleFactory(title="Director of Operations")
    published = RoleFactory(title="General Manager")
    draft = RoleFactory(title="Regional Director", is_published=False)
    ReportingLineFactory(role=role, manager=published)
    ReportingLineFactory(role=role, manager=draft)
    ReportingLineFactory(role=published, manager=role)
    ReportingLineFactory(role=draft, manager=role)
    CareerStepFactory(from_role=role, to_role=draft)
    CareerStepFactory(from_role=role, to_role=published)
    CareerStepFactory(from_role=draft, to_role=role)
    CareerStepFactory(from_role=published, to_role=role)

    loaded = Role.objects.with_parts().get(pk=role.pk)
    load_routes([loaded])

    assert [line.manager for line in loaded.manager_lines] == [published]
    assert [line.role for line in loaded.report_lines] == [published]
    assert [step.to_role for step in loaded.next_steps] == [published]
    assert [step.from_role for step in loaded.previous_steps] == [published]


def test_routes_of_several_roles_take_two_queries_and_list_routes_in_by_title(
    django_assert_num_queries,
):
    """Guards against a query per role or per route: lines and steps, both directions,
    for every role at once."""
    a, b = RoleFactory(title="Operations Manager"), RoleFactory(title="Logistics Manager")
    for title in ("Warehouse Lead", "Analyst", "Planner"):
        ReportingLineFactory(role=RoleFactory(title=title), manager=a)
        CareerStepFactory(from_role=RoleFactory(title=f"Junior {title}"), to_role=b)
    ReportingLineFactory(role=a, manager=b)
    a, b = Role.objects.get(pk=a.pk), Role.objects.get(pk=b.pk)

    with django_assert_num_queries(2):
        load_routes([a, b])

    assert [line.role.title for line in a.report_lines] == [
        "Analyst",
        "Planner",
        "Warehouse Lead",
    ]
    assert [line.manager for line in a.manager_lines] == [b]
    assert [line.role for line in b.report_lines] == [a]
    assert [step.from_role.title for step in b.previous_steps] == [
        "Junior Analyst",
        "Junior Planner",
        "Junior Warehouse Lead",
    ]


def test_fields_of_study_list_splits_on_commas_and_drops_blanks():
    role = RoleFactory(fields_of_study=" Business administration, Economics,, Digital marketing ,")

    assert role.fields_of_study_list == [
        "Business administration",
        "Economics",
        "Digital marketing",
    ]


def test_fields_of_study_list_is_empty_without_fields():
    assert RoleFactory(fields_of_study="").fields_of_study_list == []


@pytest.mark.parametrize(
    ("onet_soc_code", "wage_soc_code"),
    [("11-1011.00", "11-1011"), ("11-3031.01", "11-3031"), ("13-1111", "13-1111"), ("", "")],
)
def test_wage_soc_code_drops_the_onet_suffix(onet_soc_code, wage_soc_code):
    assert RoleFactory(onet_soc_code=onet_soc_code).wage_soc_code == wage_soc_code


def test_short_title_prefers_the_abbreviation():
    assert RoleFactory(title="Chief Operating Officer", abbreviation="COO").short_title == "COO"
    assert RoleFactory(title="Founder", abbreviation="").short_title == "Founder"


def test_a_role_links_to_its_explainer():
    role = RoleFactory(slug="director-of-operations", title="Director of Operations")

    assert role.get_absolute_url() == "/roles/director-of-operations/"


def test_parts_and_relations_read_as_text():
    line = ReportingLineFactory(
        role__title="Chief Operating Officer", manager__title="Chief Executive Officer"
    )
    step = CareerStepFactory(
        from_role__title="Director of Operations", to_role__title="General Manager"
    )

    assert str(line) == "Chief Operating Officer reports to Chief Executive Officer"
    assert str(step) == "Director of Operations → General Manager"


# --- Which role a search names ------------------------------------------------------------


@pytest.fixture
def named_roles():
    """Roles whose names overlap the way real titles do."""
    coo = RoleFactory(title="Chief Operating Officer", abbreviation="COO")
    ceo = RoleFactory(title="Chief Executive Officer", abbreviation="CEO")
    AlternateTitleFactory(role=ceo, title="President")
    director = RoleFactory(title="Director of Operations")
    AlternateTitleFactory(role=director, title="Head of Operations")
    AlternateTitleFactory(role=director, title="Senior Operations Manager")
    manager = RoleFactory(title="Operations Manager")
    vp = RoleFactory(title="Vice President of Operations")
    RoleFactory(title="Draft Role", abbreviation="DR", is_published=False)
    return {"coo": coo, "ceo": ceo, "director": director, "manager": manager, "vp": vp}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Chief Operating Officer", "coo"),
        ("coo", "coo"),
        ("chief-operating OFFICER!", "coo"),
        ("head of operations", "director"),
        ("head operations", "director"),
        ("the director of the operations", "director"),
        ("COO London", "coo"),
        ("interim coo of a start-up", "coo"),
        ("operations manager", "manager"),
        ("senior operations manager", "director"),
        ("vice president of operations", "vp"),
        ("Président", "ceo"),
    ],
)
def test_a_search_names_the_role_whose_title_abbreviation_or_alternate_title_it_says(
    named_roles, text, named
):
    assert Role.objects.published().named_in(text) == named_roles[named]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "operations",
        "chief officer",
        # "President" is the CEO's, but here it is part of a longer title.
        "vice president",
        # Two roles, neither of them the search's.
        "coo ceo",
        # A draft role is no answer.
        "DR",
    ],
)
def test_a_search_names_no_role_when_no_name_stands_on_its_own(named_roles, text):
    assert Role.objects.published().named_in(text) is None


def test_finding_the_named_role_takes_one_query_whatever_the_number_of_alternate_titles(
    named_roles, django_assert_num_queries
):
    for n in range(20):
        AlternateTitleFactory(role=named_roles["manager"], title=f"Site lead {n}")

    with django_assert_num_queries(1):
        assert Role.objects.published().named_in("site lead 19") == named_roles["manager"]
