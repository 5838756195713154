from decimal import Decimal

import pytest

from roles import wages
from roles.wages import OccupationWages, wages_for


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


def test_a_dash_in_the_table_means_not_available():
    # Kindergarten-to-secondary administrators are paid by the year: the BLS gives no hourly
    # median, only "-".
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
