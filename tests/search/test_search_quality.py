"""Search quality (bench/search_quality.py): the metric grades and scores as it says, the
judgement list names what exists, and the search keeps the quality it has reached."""

import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.text import slugify

from bench import search_quality
from bench.search_quality import Facts, Judgement, Rule, dcg, ndcg
from postings.display import COUNTRY_NAMES
from postings.management.commands.seed_demo import ORGANISATIONS, PLACES
from roles.management.commands.load_roles import read_content
from tests.factories import PostingFactory, RoleFactory

# The search meets the target (nDCG@10 >= 0.90, a good first posting for >= 90% of
# queries): the floors are the target itself, so no change may give it back.
NDCG_FLOOR = search_quality.TARGET_NDCG
FIRST_GOOD_FLOOR = search_quality.TARGET_FIRST_GOOD
# Large enough that every judged query has answers, small enough to seed in seconds.
POSTINGS = 1500

ROOT = Path(__file__).resolve().parents[2]


def facts(**overrides: str) -> Facts:
    """A posting's facts: a full-time, on-site Chief Operating Officer in London."""
    values = {
        "slug": "a-posting",
        "title": "Chief Operating Officer",
        "role": "chief-operating-officer",
        "organisation": "northwind-logistics",
        "city": "London",
        "region": "England",
        "country": "GB",
        "workplace": "on_site",
        "employment_type": "full_time",
        "remote_countries": "",
        **overrides,
    }
    return Facts(**values)


def judgement(q: str, grade_2: list[dict], grade_1: list[dict] = ()) -> Judgement:
    def rules(tables):
        return tuple(Rule({name: frozenset(values) for name, values in t.items()}) for t in tables)

    return Judgement(q, {2: rules(grade_2), 1: rules(grade_1)})


COO_LONDON = judgement(
    "COO London",
    [{"roles": ["chief-operating-officer"], "places": ["London"]}],
    [{"roles": ["chief-operating-officer"]}],
)


# -- The metric -----------------------------------------------------------------------------


def test_a_perfect_ranking_scores_one():
    every_grade = [2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]

    assert ndcg([2, 2, 1, 1, 1, 0, 0, 0, 0, 0], every_grade) == pytest.approx(1.0)


def test_the_reverse_ranking_scores_lower_than_the_perfect_one():
    every_grade = [2, 1, 1, 0, 0]

    assert ndcg([0, 0, 1, 1, 2], every_grade) < ndcg([2, 1, 1, 0, 0], every_grade) - 0.3


def test_missing_the_best_postings_costs_even_when_what_is_shown_is_in_order():
    every_grade = [2, 2, 2, 1, 1, 0]

    assert ndcg([1, 1], every_grade) < 0.5


def test_no_results_score_zero_and_nothing_to_find_scores_nothing():
    assert ndcg([], [2, 1, 0]) == 0.0
    assert ndcg([0, 0], [0, 0, 0]) is None


def test_gain_doubles_with_each_grade_and_is_discounted_by_position():
    assert dcg([2]) == pytest.approx(3.0)
    assert dcg([0, 2]) == pytest.approx(3 / 1.5849625)
    assert dcg([1, 1, 1]) == pytest.approx(1 + 1 / 1.5849625 + 0.5)


def test_only_the_first_ten_results_count():
    every_grade = [2] * 12

    assert ndcg([2] * 10 + [0, 0], every_grade) == pytest.approx(1.0)


# -- Grading ------------------------------------------------------------------------------


def test_the_role_in_the_place_grades_2_the_role_elsewhere_1_and_another_role_0():
    assert COO_LONDON.grade(facts()) == 2
    assert COO_LONDON.grade(facts(city="Paris", region="Île-de-France", country="FR")) == 1
    assert COO_LONDON.grade(facts(role="operations-manager")) == 0


def test_a_place_is_a_city_region_or_country_whatever_the_case_and_accents():
    munich = facts(city="München", region="Bavaria", country="DE")

    for place in ("munchen", "MÜNCHEN", "bavaria", "Germany", "DE"):
        assert Rule({"places": frozenset([place])}).met_by(munich), place
    for place in ("Berlin", "de", "GB", "United Kingdom"):
        assert not Rule({"places": frozenset([place])}).met_by(munich), place


def test_open_to_a_country_means_remote_and_open_to_it_or_to_anywhere():
    open_to_germany = Rule({"open_to": frozenset(["DE"])})

    assert open_to_germany.met_by(facts(workplace="remote", remote_countries="FR DE"))
    assert open_to_germany.met_by(facts(workplace="remote", remote_countries=""))
    assert not open_to_germany.met_by(facts(workplace="remote", remote_countries="GB IE"))
    assert not open_to_germany.met_by(facts(workplace="hybrid", remote_countries="DE"))


def test_a_rule_needs_every_condition_and_any_value_of_each():
    interim = Rule(
        {
            "roles": frozenset(["chief-operating-officer"]),
            "employment_type": frozenset(["contract", "temporary"]),
        }
    )

    assert interim.met_by(facts(employment_type="temporary"))
    assert interim.met_by(facts(employment_type="contract"))
    assert not interim.met_by(facts())
    assert not interim.met_by(facts(role="chief-financial-officer", employment_type="contract"))


def test_the_first_posting_is_good_only_if_it_reaches_the_best_grade_there_is():
    def outcome(grades, best):
        return search_quality.Outcome(COO_LONDON, "", "", 200, [], grades, best, 0.5)

    assert outcome([2, 0], best=2).first_good
    assert not outcome([1, 2], best=2).first_good
    assert outcome([1, 0], best=1).first_good
    assert not outcome([], best=2).first_good


def test_a_judgement_with_a_condition_the_grading_does_not_know_is_refused(tmp_path):
    path = tmp_path / "judgements.toml"
    path.write_text('[[query]]\nq = "COO"\ngrade_2 = [{ role = ["chief-operating-officer"] }]\n')

    with pytest.raises(ValueError, match="role"):
        search_quality.load_judgements(path)

    path.write_text('[[query]]\nq = "remote"\ngrade_2 = [{ workplace = ["remote-ish"] }]\n')
    with pytest.raises(ValueError, match="remote-ish"):
        search_quality.load_judgements(path)


# -- The judgement list ---------------------------------------------------------------------


def test_the_judgements_are_sixty_queries_or_more_and_each_is_asked_once():
    queries = [j.q for j in search_quality.load_judgements()]

    assert len(queries) >= 60
    assert len(set(queries)) == len(queries)


def test_every_judgement_names_roles_places_and_organisations_that_exist():
    roles = {role["slug"] for role in read_content(ROOT / "roles/content")}
    places = {name for place in PLACES for name in place if name}
    places |= set(COUNTRY_NAMES) | set(COUNTRY_NAMES.values())
    organisations = {slugify(name) for name, _, _ in ORGANISATIONS}
    known = {"roles": roles, "places": places, "open_to": set(COUNTRY_NAMES)}
    known["organisations"] = organisations

    unknown = [
        f"{entry['q']}: {name} {value}"
        for entry in tomllib.loads(search_quality.JUDGEMENTS.read_text())["query"]
        for key in ("grade_2", "grade_1")
        for table in entry.get(key, [])
        for name, values in table.items()
        for value in values
        if name in known and value not in known[name]
    ]

    assert unknown == []


# -- Through the page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_results_are_read_from_the_page_in_its_order_after_redirects(client):
    coo = RoleFactory(title="Chief Operating Officer", abbreviation="COO")
    PostingFactory(role=coo, title="Chief Operating Officer", slug="first")
    PostingFactory(role=coo, title="Interim Chief Operating Officer", slug="second")
    page_order = search_quality.result_slugs(client.get("/jobs/?q=COO").content.decode())

    # /jobs without its slash redirects to /jobs/: the harness follows it.
    path, status, slugs = search_quality.fetch_results(client, "/jobs?q=COO")

    assert sorted(page_order) == ["first", "second"]
    assert (path, status, slugs) == ("/jobs/?q=COO", 200, page_order)


@pytest.mark.django_db
def test_search_quality_on_the_demo_data_stays_at_or_above_its_floors():
    call_command("load_roles", stdout=StringIO())
    call_command("seed_demo", postings=POSTINGS, seed=1, stdout=StringIO())

    report = search_quality.evaluate()

    summary = search_quality.summary(report)
    assert not report.unanswerable, summary
    assert report.mean_ndcg >= NDCG_FLOOR, summary
    assert report.first_good_share >= FIRST_GOOD_FLOOR, summary
