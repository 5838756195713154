"""The explainer's pay: the line at the top, open postings' salaries by kind of job, the
nation's figures with the industries that pay most, and pay where you live (`?area=`)."""

import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.test import Client

from jobsite import caching
from postings.models import EmploymentType, SalaryPeriod
from roles.explainers import render_explainers
from roles.models import Explainer, OccupationWage, WageArea
from roles.wages import wages_for
from tests.factories import (
    OccupationWageFactory,
    PostingFactory,
    RoleFactory,
    WageAreaFactory,
    write_behind_the_caches_back,
)
from tests.helpers import get_page, occupation_data

pytestmark = pytest.mark.django_db

CALIFORNIA = "0600000"
SAN_FRANCISCO = "0041860"
WYOMING = "5600000"
# The role with its stored explainer (the areas on offer among it), its open postings, their
# salaries (the stored ones, none of so few postings, then counted).
STORED_PAGE_QUERIES = 4
# The same page rendering its own explainer: its parts and routes (eight queries), and the
# industries that pay most and the areas on offer besides.
RENDERED_PAGE_QUERIES = 13
# An area's page reads the areas again, with the area's figures.
AREA_QUERIES = 1

NATION = wages_for("11-1021")
# An area choice no wage row makes: where a page shows it, it read the stored explainer.
STORED_OPTIONS = (
    '<optgroup label="States and territories"><option value="0100000">Stored State</option>'
    "</optgroup>"
)


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Each request renders the page, but where a test turns the cache on."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def role():
    return RoleFactory(
        title="Director of Operations",
        slug="director-of-operations",
        onet_soc_code="11-1021.00",
    )


@pytest.fixture
def areas():
    """California and San Francisco publish the occupation's wages; Wyoming has a row
    with nothing published; Guam has no row at all."""
    nation = WageAreaFactory(code="0000000", name="National", kind=WageArea.Kind.NATION)
    california = OccupationWageFactory(
        area=WageAreaFactory(code=CALIFORNIA, name="California"),
        annual_median=131_000,
        annual_p90=None,
        top_coded="",
    )
    san_francisco = OccupationWageFactory(
        area=WageAreaFactory(
            code=SAN_FRANCISCO, name="San Francisco-Oakland-Fremont, CA", kind=WageArea.Kind.METRO
        ),
        annual_median=168_000,
        annual_p90=239_200,
        top_coded="annual_p90",
    )
    OccupationWageFactory(
        area=WageAreaFactory(code=WYOMING, name="Wyoming"),
        **dict.fromkeys(
            ["employment", "annual_mean", "annual_p10", "annual_p25", "annual_median"], None
        ),
        **dict.fromkeys(["annual_p75", "annual_p90", "hourly_median"], None),
    )
    WageAreaFactory(code="6600000", name="Guam")
    for code, name, median in [
        ("22--23", "Sector 22 - Utilities", 159_000),
        ("55--56", "Sector 55 - Management of Companies and Enterprises", 165_260),
        ("72--73", "Sector 72 - Accommodation and Food Services", 66_990),
    ]:
        OccupationWageFactory(area=nation, industry_code=code, industry=name, annual_median=median)
    return {"california": california, "san_francisco": san_francisco}


def top_line(html: str) -> str:
    """The pay line at the top of the explainer's text, its whitespace collapsed."""
    top = html.split('<div class="role-layout__main">')[1].split('<section class="section"')[0]
    line = top.split('<p class="role__pay">')[1].split("</p>")[0] if "role__pay" in top else ""
    return re.sub(r"\s+", " ", line)


def pay_section(html: str) -> str:
    return html.split('id="pay-title"')[1].split("</section>")[0]


def area_table(html: str) -> dict[str, list[str]]:
    """The rows of the area's table beside the nation's: label → [area, nation]."""
    table = html.split('id="pay-area"')[1].split("</table>")[0]
    return {
        label: re.findall(r"<td>(.*?)</td>", cells)
        for label, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table)
    }


def select(html: str) -> str:
    return html.split('name="area">')[1].split("</select>")[0]


def options(html: str) -> dict[str, list[str]]:
    """The area select's option groups: label → option texts ("" for the options outside)."""
    choice = select(html)
    groups = {"": re.findall(r"<option[^>]*>([^<]*)</option>", choice.split("<optgroup")[0])}
    for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', choice):
        groups[label] = re.findall(r"<option[^>]*>([^<]*)</option>", body)
    return groups


# Pay up front --------------------------------------------------------------------------


def test_the_top_of_the_explainer_gives_the_median_and_what_open_postings_offer(client, role):
    PostingFactory(role=role, salary_min=Decimal("70000"), salary_max=Decimal("90000"))
    PostingFactory(role=role, salary_min=Decimal("80000"), salary_max=Decimal("120000"))
    PostingFactory(role=role, salary_min=Decimal("40"), salary_max=Decimal("50"),
                   salary_period=SalaryPeriod.HOUR)  # fmt: skip

    html = get_page(client, role.get_absolute_url())

    line = top_line(html)
    assert f"General and Operations Managers earn a median ${NATION.annual_median:,}" in line
    # An hourly rate counts as a full-time year: 40 × 2,080.
    assert "jobs here offer GBP 70,000–120,000 a year (3 full-time postings)" in line


def test_the_top_line_gives_no_range_from_fewer_than_three_postings_in_a_currency(client, role):
    PostingFactory(role=role, salary_currency="GBP")
    PostingFactory(role=role, salary_currency="EUR")
    PostingFactory(role=role, salary_currency="USD")

    html = get_page(client, role.get_absolute_url())

    line = top_line(html)
    assert "Too few open jobs here state a salary in one currency for a range." in line
    assert "60,000" not in line


def test_internships_and_part_time_jobs_are_shown_apart_from_full_time_salaries(client, role):
    for low in (60000, 70000, 80000):
        PostingFactory(role=role, salary_min=Decimal(low), salary_max=Decimal(low + 20000))
    for _ in range(3):
        PostingFactory(
            role=role,
            employment_type=EmploymentType.PART_TIME,
            salary_min=Decimal("20"),
            salary_max=Decimal("25"),
            salary_period=SalaryPeriod.HOUR,
        )
    PostingFactory(
        role=role,
        employment_type=EmploymentType.INTERNSHIP,
        salary_min=Decimal("1500"),
        salary_max=None,
        salary_period=SalaryPeriod.MONTH,
    )

    pay = pay_section(get_page(client, role.get_absolute_url()))

    full, part, interns = (
        pay.split(f"<h4>{label}</h4>")[1].split("</ul>")[0]
        for label in ("Full-time, contract and temporary jobs", "Part-time jobs", "Internships")
    )
    assert "GBP 60,000–100,000 a year, across 3 full-time postings" in full
    assert "GBP 41,600–52,000 a year, across 3 part-time postings" in part
    assert "1 internship in GBP: too few for a range" in interns
    assert "18,000" not in pay
    line = top_line(get_page(client, role.get_absolute_url()))
    assert "GBP 60,000–100,000 a year (3 full-time postings)" in line


# The nation and its industries ------------------------------------------------------------


@pytest.mark.usefixtures("areas")
def test_the_industries_that_pay_most_are_listed_highest_median_first(client, role):
    pay = pay_section(get_page(client, role.get_absolute_url()))

    industries = pay.split('id="pay-industries"')[1].split("</ol>")[0]
    assert re.findall(r"<li>(.*?):", industries) == [
        "Management of Companies and Enterprises",
        "Utilities",
        "Accommodation and Food Services",
    ]
    assert "median $165,260 a year" in industries


@pytest.mark.usefixtures("areas")
def test_the_nations_figures_carry_the_caveats_the_source_and_the_occupations_bls_page(
    client, role
):
    pay = pay_section(get_page(client, role.get_absolute_url()))

    assert "leave out the self-employed, stock options and non-production bonuses" in pay
    assert 'href="https://www.bls.gov/oes/current/oes111021.htm"' in pay
    assert '<svg class="pay-chart"' in pay


# Pay where you live --------------------------------------------------------------------


@pytest.mark.usefixtures("areas")
def test_the_area_choice_lists_states_and_metro_areas_that_publish_the_occupations_pay(
    client, role
):
    html = get_page(client, role.get_absolute_url())

    assert (
        '<form class="pay-area" method="get" action="/roles/director-of-operations/#pay-area">'
        in html
    )
    assert options(html) == {
        "": ["The whole US"],
        "States and territories": ["California"],
        "Metropolitan and nonmetropolitan areas": ["San Francisco-Oakland-Fremont, CA"],
    }
    assert '<label for="pay-area-choice">' in html


@pytest.mark.usefixtures("areas")
def test_a_states_median_shows_beside_the_nations(client, role):
    html = get_page(client, role.get_absolute_url(), {"area": CALIFORNIA})

    rows = area_table(html)
    assert rows["Median"] == ["$131,000", f"${NATION.annual_median:,}"]
    assert rows["90th percentile"] == ["Not published", f"${NATION.annual_p90:,}"]
    assert f'<option value="{CALIFORNIA}" selected>California</option>' in html
    assert "in California and the US, all industries" in html
    # Two bars: California's and the nation's.
    chart = pay_section(html).split('id="pay-area"')[1].split("</svg>")[0]
    assert re.findall(r'class="pay-chart__label"[^>]*>([^<]*)<', chart) == [
        "California",
        "United States",
    ]


@pytest.mark.usefixtures("areas")
def test_a_figure_above_the_top_of_the_published_range_says_or_more(client, role):
    html = get_page(client, role.get_absolute_url(), {"area": SAN_FRANCISCO})

    assert area_table(html)["90th percentile"][0] == "$239,200 or more"


@pytest.mark.usefixtures("areas")
@pytest.mark.parametrize("area", [WYOMING, "6600000"], ids=["row of blanks", "no row"])
def test_an_area_with_no_published_pay_for_the_occupation_says_so(client, role, area):
    html = get_page(client, role.get_absolute_url(), {"area": area})

    name = "Wyoming" if area == WYOMING else "Guam"
    assert f"The BLS publishes no wages of General and Operations Managers for {name}" in html
    assert 'class="pay-chart__label" x="6" y="16">United States<' in html


@pytest.mark.usefixtures("areas")
def test_the_canonical_address_and_the_json_ld_stay_the_explainers_own(client, role):
    html = get_page(client, role.get_absolute_url(), {"area": CALIFORNIA})

    assert '<link rel="canonical" href="http://testserver/roles/director-of-operations/">' in html
    [salary] = occupation_data(html)["estimatedSalary"]
    assert salary["median"] == NATION.annual_median
    assert occupation_data(html)["occupationLocation"] == [
        {"@type": "Country", "name": "United States"}
    ]


@pytest.mark.usefixtures("areas")
@pytest.mark.parametrize(
    "query",
    [
        "area=junk",
        "area=9999999",
        "area=" + "9" * 5000,
        "area=%00%1b",
        "area=%ff%fe",
        f"area={CALIFORNIA}%20",
        f"area={CALIFORNIA}&area={SAN_FRANCISCO}",
    ],
)
def test_an_area_the_section_does_not_offer_gets_the_nations_page_with_a_note(client, role, query):
    response = client.get(f"{role.get_absolute_url()}?{query}")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "We have no figures for the area this address asks for." in html
    assert 'id="pay-nation"' in html
    assert "selected" not in select(html)


@pytest.mark.usefixtures("areas")
def test_the_national_page_lists_the_areas_stored_with_the_explainer(client, role):
    render_explainers()
    # Behind the models' back, as a stale row would be: only the page's source tells.
    Explainer.objects.filter(role=role).update(area_options_html=STORED_OPTIONS)

    html = get_page(client, role.get_absolute_url())

    assert options(html) == {"": ["The whole US"], "States and territories": ["Stored State"]}


@pytest.mark.usefixtures("areas")
def test_an_areas_page_lists_the_areas_as_they_are_with_its_own_selected(client, role):
    render_explainers()
    Explainer.objects.filter(role=role).update(area_options_html=STORED_OPTIONS)

    html = get_page(client, role.get_absolute_url(), {"area": CALIFORNIA})

    assert options(html) == {
        "": ["The whole US"],
        "States and territories": ["California"],
        "Metropolitan and nonmetropolitan areas": ["San Francisco-Oakland-Fremont, CA"],
    }
    assert f'<option value="{CALIFORNIA}" selected>California</option>' in html
    assert area_table(html)["Median"] == ["$131,000", f"${NATION.annual_median:,}"]


@pytest.mark.usefixtures("areas")
def test_a_page_with_no_stored_explainer_lists_the_same_areas(client, role):
    rendered = get_page(client, role.get_absolute_url())
    assert not Explainer.objects.exists()
    render_explainers()

    stored = Explainer.objects.get(role=role).area_options_html
    assert f'<option value="{SAN_FRANCISCO}">San Francisco-Oakland-Fremont, CA</option>' in stored
    assert stored in select(rendered)
    assert select(get_page(client, role.get_absolute_url())) == select(rendered)


def test_an_occupation_no_area_publishes_a_median_of_stores_no_areas_and_says_so(client):
    chief = RoleFactory(title="Chief Executive", onet_soc_code="11-1011.00")
    founder = RoleFactory(title="Founder", onet_soc_code="")
    OccupationWageFactory(
        area=WageAreaFactory(code=WYOMING, name="Wyoming"),
        soc_code="11-1011",
        occupation="Chief Executives",
        annual_median=None,
    )
    render_explainers()

    assert [explainer.area_options_html for explainer in Explainer.objects.all()] == ["", ""]
    html = get_page(client, chief.get_absolute_url())
    assert "The BLS publishes no wages of Chief Executives by state or metropolitan area." in html
    assert 'name="area"' not in html
    assert "Pay where you live" not in get_page(client, founder.get_absolute_url())


def test_a_role_without_wages_ignores_the_area(client):
    founder = RoleFactory(title="Founder", onet_soc_code="")

    html = get_page(client, founder.get_absolute_url(), {"area": CALIFORNIA})

    assert "Pay where you live" not in html
    assert "role__pay" not in html


# The page cache and the queries ---------------------------------------------------------


@pytest.fixture
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


@pytest.mark.usefixtures("_page_cache_on")
def test_two_visitors_see_one_cached_page_per_area(role, areas, django_assert_num_queries):
    url = role.get_absolute_url()
    first = Client().get(url, {"area": CALIFORNIA})
    # Proves the second visitor's page comes from the cache: the row changed unseen.
    write_behind_the_caches_back(areas["california"], annual_median=1)

    with django_assert_num_queries(0):
        second = Client().get(url, {"area": CALIFORNIA})

    assert second.content == first.content
    assert area_table(second.content.decode())["Median"][0] == "$131,000"
    other = get_page(Client(), url, {"area": SAN_FRANCISCO})
    assert area_table(other)["Median"][0] == "$168,000"
    assert get_page(Client(), url, {"area": CALIFORNIA, "x": "1"}) == first.content.decode()
    caching.bump()
    assert area_table(get_page(Client(), url, {"area": CALIFORNIA}))["Median"][0] == "$1"


@pytest.mark.usefixtures("_page_cache_on", "areas")
@pytest.mark.parametrize("area", ["junk", f"{CALIFORNIA}&area={CALIFORNIA}"])
def test_an_area_the_section_does_not_offer_is_never_stored(
    client, role, area, django_assert_num_queries
):
    """Each such value would be a page of its own in the cache, as many as people send."""
    url = f"{role.get_absolute_url()}?area={area}"
    client.get(url)

    with django_assert_num_queries(RENDERED_PAGE_QUERIES + AREA_QUERIES):
        response = client.get(url)

    assert response.status_code == HTTPStatus.OK


@pytest.mark.usefixtures("areas")
@pytest.mark.parametrize("stored", [True, False], ids=["stored explainer", "rendered"])
def test_the_explainer_runs_a_fixed_few_queries_whatever_the_area(
    client, role, areas, stored, django_assert_num_queries
):
    """Guards against a query per area or per figure: the national page reads the areas
    on offer with the explainer, and an area's page reads them and the chosen one's
    figures in one query, whatever is asked for."""
    if stored:
        render_explainers()
    national = STORED_PAGE_QUERIES if stored else RENDERED_PAGE_QUERIES
    expected = national + AREA_QUERIES
    for area in ["", "0000000"]:
        with django_assert_num_queries(national):
            get_page(client, role.get_absolute_url(), {"area": area})
    for area in [CALIFORNIA, SAN_FRANCISCO, WYOMING, "6600000", "junk"]:
        with django_assert_num_queries(expected):
            get_page(client, role.get_absolute_url(), {"area": area})
    for n in range(50):
        OccupationWageFactory(area=WageAreaFactory(kind=WageArea.Kind.METRO))
        OccupationWageFactory(
            area=WageArea.objects.get(code="0000000"), industry_code=f"{n:02d}--{n:02d}"
        )

    with django_assert_num_queries(expected):
        html = get_page(client, role.get_absolute_url(), {"area": CALIFORNIA})
    assert len(options(html)["Metropolitan and nonmetropolitan areas"]) == 51
    assert OccupationWage.objects.count() > 50
