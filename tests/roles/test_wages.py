import csv
import gzip
from decimal import Decimal

import pytest
from django.core.management import call_command

from jobsite import caching
from roles import wages
from roles.explainers import render_explainers
from roles.management.commands.load_wages import load_wages
from roles.models import Explainer, OccupationWage, WageArea, WageData
from roles.templatetags.pay_chart import chart, money, nice_top
from roles.wages import AreaChoice, OccupationWages, area_choices, pay_by_area, wages_for
from tests.factories import OccupationWageFactory, RoleFactory, WageAreaFactory


def test_wages_for_chief_executives_gives_the_published_figures():
    figures = wages_for("11-1011")

    assert figures == OccupationWages(
        soc_code="11-1011",
        occupation="Chief Executives",
        employment=204350,
        annual_mean=269630,
        annual_p10=75700,
        annual_p25=129540,
        annual_median=213990,
        annual_p75=356200,
        annual_p90=507730,
        hourly_median=Decimal("102.88"),
        currency="USD",
    )


def test_wages_for_accepts_an_onet_code_with_its_suffix():
    figures = wages_for("11-1021.00")

    assert figures is not None
    assert figures.occupation == "General and Operations Managers"
    assert figures.annual_median == 105770


def test_an_occupation_paid_by_the_year_has_no_hourly_median():
    # Kindergarten-to-secondary administrators are paid by the year: the BLS gives no hourly
    # median.
    figures = wages_for("11-9032")

    assert figures is not None
    assert figures.annual_median == 105870
    assert figures.hourly_median is None


@pytest.mark.parametrize("value", ["*", "#", "-", "", "  ", "**"])
def test_markers_of_missing_figures_read_as_none(value):
    assert wages._figure(value, int) is None
    assert wages._figure(value, Decimal) is None


@pytest.mark.parametrize("code", ["", "99-9999", "11-1011x", "11-10111", "11-1011.0", "chief", "1"])
def test_unknown_or_malformed_codes_have_no_figures(code):
    assert wages_for(code) is None


def test_none_has_no_figures():
    assert wages_for(None) is None


def test_the_figures_are_frozen():
    figures = wages_for("13-1111")

    with pytest.raises(AttributeError):
        figures.annual_median = 1


def test_the_table_is_read_once(monkeypatch):
    wages_for("11-1011")
    monkeypatch.setattr(wages, "DATA_FILE", wages.DATA_FILE.with_name("missing.csv"))

    assert wages_for("11-2021").occupation == "Marketing Managers"


def test_every_row_of_the_table_has_a_code_and_a_name():
    table = wages._table()

    assert len(table) > 80
    assert all(code == figures.soc_code for code, figures in table.items())
    assert all(figures.occupation for figures in table.values())
    assert {figures.currency for figures in table.values()} == {"USD"}


def test_the_source_is_cited():
    assert "Bureau of Labor Statistics" in wages.SOURCE
    assert wages.SOURCE_URL.startswith("https://")


def test_the_nations_table_is_the_nations_rows_of_the_areas_file():
    with gzip.open(wages.AREAS_FILE, "rt", newline="", encoding="utf-8") as data:
        nation = [row for row in csv.DictReader(data) if row["area_code"] == wages.NATION]

    assert {row["soc_code"] for row in nation} == set(wages._table())
    for row in nation:
        figures = wages_for(row["soc_code"])
        assert figures.annual_median == (
            int(row["annual_median"]) if row["annual_median"] else None
        )
        assert figures.occupation == row["occupation"]


@pytest.mark.parametrize(
    ("code", "occupation"),
    [
        ("15-2031", "Operations Research Analysts"),
        ("41-1011", "First-Line Supervisors of Retail Sales Workers"),
        ("43-1011", "First-Line Supervisors of Office and Administrative Support Workers"),
    ],
)
def test_the_nations_table_has_the_occupations_beyond_management_and_business(code, occupation):
    assert wages_for(code).occupation == occupation


@pytest.mark.parametrize(
    ("industry", "name"),
    [
        ("Sector 54 - Professional, Scientific, and Technical Services",
         "Professional, Scientific, and Technical Services"),
        ("Sectors 31, 32, and 33 - Manufacturing", "Manufacturing"),
        ("Sectors 44 and 45 - Retail Trade", "Retail Trade"),
    ],
)  # fmt: skip
def test_an_industry_sector_is_named_without_its_numbers(industry, name):
    assert wages.sector_name(industry) == name


# The files read for the tables ----------------------------------------------------------


def test_the_areas_file_gives_the_nation_every_state_and_every_metro_area():
    areas, rows = wages.area_rows()

    kinds = [area.kind for area in areas]
    assert (kinds.count("N"), kinds.count("S"), kinds.count("M")) == (1, 54, 528)
    assert len(rows) == 30180
    california = next(area for area in areas if area.code == "0600000")
    assert (california.name, california.kind, california.state_code) == ("California", "S", "06")


def test_a_figure_at_the_top_of_the_range_is_stored_as_the_top_and_named():
    _, rows = wages.area_rows()

    [row] = [row for row in rows if (row["area_code"], row["soc_code"]) == ("3900003", "11-1011")]
    assert row["annual_p90"] == wages.TOP_ANNUAL
    assert row["top_coded"] == "annual_p90"
    assert row["annual_median"] == 165290
    assert all(not other["top_coded"] for other in rows if other is not row)


def test_the_industries_read_are_the_naics_sectors_that_do_not_overlap():
    rows = wages.industry_rows()

    assert {row["area_code"] for row in rows} == {wages.NATION}
    codes = {row["industry_code"] for row in rows}
    assert "99-100" in codes
    assert "54--55" in codes
    # Private ownership only, and the government designations, overlap the sectors.
    assert not codes & {"000000", "000001", "999001", "999101", "999201", "999301"}
    assert len(codes) == 20


# Loading the tables -----------------------------------------------------------------------


@pytest.mark.django_db
def test_load_wages_fills_the_tables_and_a_second_run_writes_nothing():
    RoleFactory()
    render_explainers()
    assert Explainer.objects.exists()
    version = caching.version()

    written = load_wages()

    assert written == OccupationWage.objects.count()
    assert (
        OccupationWage.objects.filter(industry_code=OccupationWage.ALL_INDUSTRIES).count() == 30180
    )
    assert WageArea.objects.count() == 583
    california = OccupationWage.objects.get(area__code="0600000", soc_code="11-1021")
    _, rows = wages.area_rows()
    [row] = [row for row in rows if (row["area_code"], row["soc_code"]) == ("0600000", "11-1021")]
    assert california.occupation == "General and Operations Managers"
    assert (california.annual_median, california.hourly_median) == (
        row["annual_median"],
        row["hourly_median"],
    )
    assert isinstance(california.hourly_median, Decimal)
    # The stored explainers list industries: they are rendered again, the pages too.
    assert not Explainer.objects.exists()
    assert caching.version() != version
    rows = OccupationWage.objects.count()

    assert load_wages() == 0
    assert OccupationWage.objects.count() == rows
    assert WageData.objects.count() == 1


@pytest.mark.django_db
def test_files_that_changed_replace_the_tables_whole(monkeypatch):
    load_wages()
    OccupationWage.objects.filter(area__code="0600000").update(annual_median=1)
    monkeypatch.setattr(wages, "data_digest", lambda: "another version")
    monkeypatch.setattr(
        "roles.management.commands.load_wages.data_digest", lambda: "another version"
    )

    assert load_wages() > 0

    assert not OccupationWage.objects.filter(annual_median=1).exists()
    assert list(WageData.objects.values_list("digest", flat=True)) == ["another version"]


@pytest.mark.django_db
def test_load_roles_loads_the_wage_tables(tmp_path):
    (tmp_path / "analyst.json").write_text(
        '{"slug": "analyst", "title": "Analyst", "function": "operations", '
        '"level": "professional", "brief_answer": "An analyst analyses."}'
    )

    call_command("load_roles", path=tmp_path, verbosity=0)

    assert WageArea.objects.filter(code="0600000", name="California").exists()


# The chart -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("highest", "top", "step"),
    [(507_730, 600_000, 200_000), (105_000, 125_000, 25_000), (40_000, 40_000, 10_000)],
)
def test_the_charts_axis_ends_on_a_round_step_above_the_highest_figure(highest, top, step):
    assert nice_top(highest) == (top, step)


@pytest.mark.parametrize(("amount", "label"), [(0, "$0"), (50_000, "$50k"), (1_500_000, "$1.5m")])
def test_the_charts_ticks_read_as_short_amounts(amount, label):
    assert money(amount) == label


def test_the_chart_draws_each_places_percentiles_in_order_from_left_to_right():
    nation = wages_for("11-1021")
    area = OccupationWages(**{**nation.__dict__, "annual_p90": None, "annual_p10": None})

    drawn = chart([(area, "Area"), (nation, "United States")])

    first, second = drawn["bars"]
    assert (first.label, second.label) == ("Area", "United States")
    box_start, _, box_width = (float(n) for n in second.box)
    line_start, line_end = (float(n) for n in second.line)
    median = float(second.median[0])
    assert line_start < box_start < median < box_start + box_width < line_end
    # Without the 10th and 90th percentiles, the line spans what is published: 25th to 75th.
    assert float(first.line[0]) == float(first.box[0])
    assert float(first.line[1]) == pytest.approx(float(first.box[0]) + float(first.box[2]), abs=0.1)


def test_the_chart_has_no_bars_without_figures():
    nothing = OccupationWages("11-9999", "Nobody", *[None] * 8)

    assert chart([(nothing, "Nowhere")]) == {"bars": []}


# The areas an occupation's pay section offers ----------------------------------------------


@pytest.mark.django_db
def test_area_choices_offers_each_occupation_what_pay_by_area_does_with_no_area_asked(
    django_assert_num_queries,
):
    nation = WageAreaFactory(code=wages.NATION, name="National", kind=WageArea.Kind.NATION)
    texas = WageAreaFactory(code="4800000", name="Texas")
    alabama = WageAreaFactory(code="0100000", name="Alabama")
    austin = WageAreaFactory(code="0012420", name="Austin", kind=WageArea.Kind.METRO)
    WageAreaFactory(code="6600000", name="Guam")
    for area in (nation, texas, alabama, austin):
        OccupationWageFactory(area=area)
    # No median, another occupation, an industry's row: none is on offer for 11-1021.
    OccupationWageFactory(area=WageAreaFactory(code="5600000"), annual_median=None)
    OccupationWageFactory(area=texas, soc_code="11-1011", occupation="Chief Executives")
    OccupationWageFactory(area=alabama, industry_code="54--55")
    codes = ["11-1021", "11-1011", "43-3051"]

    with django_assert_num_queries(1):
        choices = area_choices(codes)

    assert choices == {code: pay_by_area(code, "") for code in codes}
    assert choices["11-1021"].states == [
        AreaChoice("0100000", "Alabama"),
        AreaChoice("4800000", "Texas"),
    ]
    assert choices["11-1021"].metros == [AreaChoice("0012420", "Austin")]
    assert choices["43-3051"].choices == 0
