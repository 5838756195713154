"""Every role in roles/content/, whoever wrote it, read as the files say: its codes against the
SOC 2018 and ISCO-08 lists in roles/data/, its wage table against the wage data, and its
place in the career graph (a way in and a way out)."""

import re

import pytest

from roles.classifications import isco_unit_group, soc_detailed_title
from roles.management.commands.load_roles import CONTENT_DIR, read_content
from roles.wages import wages_for

DOCUMENTS = {document["slug"]: document for document in read_content(CONTENT_DIR)}
SLUGS = sorted(DOCUMENTS)

# The exceptions the career graph allows, by rule: entry roles (the professional level) need
# no step in, and the board's chair, the top of the graph, no step out.
ENTRY_LEVEL = "professional"
TOP_OF_THE_GRAPH = "chair-of-the-board"


def steps() -> set[tuple[str, str]]:
    return {
        (slug, step["to_role"])
        for slug, document in DOCUMENTS.items()
        for step in document.get("career_steps", [])
    }


def test_the_lists_the_roles_are_checked_against_are_read():
    # Guards the checks below: an unread list would fail every role, an empty one none.
    assert soc_detailed_title("11-1021") == "General and Operations Managers"
    assert soc_detailed_title("11-1000") is None  # a minor group, not an occupation
    assert soc_detailed_title("11-1099") is None
    assert isco_unit_group("1120") == "Managing directors and chief executives"
    assert isco_unit_group("112") is None  # a minor group
    assert isco_unit_group("9999") is None


@pytest.mark.parametrize("slug", SLUGS)
def test_a_roles_soc_code_is_a_detailed_soc_2018_occupation(slug):
    code = DOCUMENTS[slug]["onet_soc_code"]

    assert re.fullmatch(r"\d{2}-\d{4}\.\d{2}", code), code
    assert soc_detailed_title(code[:7]), code


@pytest.mark.parametrize("slug", SLUGS)
def test_a_roles_isco_code_is_an_isco_08_unit_group(slug):
    code = DOCUMENTS[slug]["isco_code"]

    assert isco_unit_group(code), code


@pytest.mark.parametrize("slug", SLUGS)
def test_a_roles_wage_table_names_an_occupation_of_the_wage_data_or_it_says_how_it_is_paid(slug):
    document = DOCUMENTS[slug]
    if not document.get("wage_table", True):
        assert document["pay_note"].strip()
        return
    wages = wages_for(document["onet_soc_code"])

    assert wages is not None, document["onet_soc_code"]
    assert wages.occupation == soc_detailed_title(wages.soc_code)
    assert wages.annual_median


@pytest.mark.parametrize("slug", SLUGS)
def test_every_role_has_a_step_in_unless_it_is_an_entry_role(slug):
    if DOCUMENTS[slug]["level"] == ENTRY_LEVEL:
        pytest.skip("an entry role: people start here")

    assert any(to_role == slug for _, to_role in steps())


@pytest.mark.parametrize("slug", SLUGS)
def test_every_role_has_a_step_out_unless_it_is_the_chair_of_the_board(slug):
    if slug == TOP_OF_THE_GRAPH:
        pytest.skip("the top of the graph")

    assert any(from_role == slug for from_role, _ in steps())


def test_the_exceptions_are_the_ones_named():
    entry_roles = {slug for slug, d in DOCUMENTS.items() if d["level"] == ENTRY_LEVEL}
    without_step_out = {slug for slug in SLUGS if slug not in {a for a, _ in steps()}}

    assert "operations-analyst" in entry_roles
    assert without_step_out == {TOP_OF_THE_GRAPH}


def test_every_step_leads_to_a_role_of_the_content():
    assert {to_role for _, to_role in steps()} <= set(DOCUMENTS)
