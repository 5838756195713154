"""The public role pages: the directory, explainers and comparisons."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from postings import facets
from postings.filters import PostingFilter
from postings.models import SalaryPeriod
from postings.views.roles import SalaryRange
from roles.models import EducationLevel, Function, Level, Qualification, Responsibility, Role
from roles.presentation import cut_on_word, experience_phrase
from roles.wages import SOURCE, SOURCE_URL, wages_for
from tests.factories import (
    AlternateTitleFactory,
    CareerStepFactory,
    FAQFactory,
    OrganisationFactory,
    PostingFactory,
    QualificationFactory,
    ReportingLineFactory,
    ResponsibilityFactory,
    RoleFactory,
)
from tests.helpers import get_page, occupation_data

pytestmark = pytest.mark.django_db

CAREER_PATH = re.compile(r'<figure class="career-path".*?</figure>', re.DOTALL)

# Queries a page may run, whatever the number of roles and parts (see the guards below).
# The explainer rendering its own: eight for the role's parts and routes, the top
# industries, the postings and their salaries (the stored ones first, none of so few
# postings), the pay section's areas.
EXPLAINER_QUERIES = 13
# The directory: the stored counts (none are stored of a few postings), the search's counts
# (sizing, grouping, role names), then the roles.
DIRECTORY_QUERIES = 5
COMPARE_QUERIES = 8


def compare_url(a: Role, b: Role) -> str:
    return reverse("roles:role_compare", kwargs={"pair": f"{a.slug}-vs-{b.slug}"})


@pytest.fixture
def ceo():
    return RoleFactory(
        title="Chief Executive Officer",
        abbreviation="CEO",
        function=Function.EXECUTIVE,
        level=Level.EXECUTIVE,
        onet_soc_code="11-1011.00",
        brief_answer="A chief executive officer leads the whole organisation.",
    )


@pytest.fixture
def coo(ceo):
    coo = RoleFactory(
        title="Chief Operating Officer",
        abbreviation="COO",
        function=Function.OPERATIONS,
        level=Level.EXECUTIVE,
        onet_soc_code="11-1011.00",
        education_level=EducationLevel.BACHELOR,
        fields_of_study="Business administration, Operations management, Economics",
        experience_years_min=10,
        experience_years_max=15,
        brief_answer=(
            "A chief operating officer (COO) runs the day-to-day operations of a company and "
            "turns the chief executive's strategy into working processes, budgets and teams "
            "across every department of the business."
        ),
        overview="The COO is the CEO's **second in command**.\n\n<script>alert(1)</script>",
        sources="O*NET OnLine, 11-1011.00 Chief Executives: https://www.onetonline.org/",
    )
    AlternateTitleFactory(role=coo, title="Head of Operations")
    ReportingLineFactory(role=coo, manager=ceo)
    for order, (area, text) in enumerate(
        [
            (Responsibility.Area.STRATEGY, "Turn the company strategy into operating plans."),
            (Responsibility.Area.OPERATIONS, "Run the day-to-day operations of the company."),
            (Responsibility.Area.STRATEGY, "Set yearly goals for every department."),
            (Responsibility.Area.FINANCE, "Own the operating budget."),
        ]
    ):
        ResponsibilityFactory(role=coo, area=area, text=text, order=order)
    QualificationFactory(
        role=coo, kind=Qualification.Kind.SKILL, text="Leading large teams.", order=1
    )
    QualificationFactory(
        role=coo,
        kind=Qualification.Kind.KNOWLEDGE,
        text="Lean and Six Sigma methods.",
        is_required=False,
        order=2,
    )
    FAQFactory(role=coo, question="Is a COO above a CFO?", answer="Usually they are peers.")
    return coo


@pytest.fixture
def director(coo):
    director = RoleFactory(
        title="Director of Operations",
        level=Level.DIRECTOR,
        onet_soc_code="11-1021.00",
        education_level=EducationLevel.BACHELOR,
        fields_of_study="Logistics, Supply chain management",
        experience_years_min=5,
        experience_years_max=8,
    )
    ReportingLineFactory(role=director, manager=coo)
    ResponsibilityFactory(
        role=director, area=Responsibility.Area.OPERATIONS, text="Run the warehouses."
    )
    ResponsibilityFactory(
        role=director, area=Responsibility.Area.PEOPLE, text="Hire the site managers."
    )
    CareerStepFactory(from_role=director, to_role=coo, typical_years=6)
    return director


@pytest.fixture
def founder(coo):
    founder = RoleFactory(
        title="Founder", function=Function.ENTREPRENEURSHIP, level=Level.OWNER, onet_soc_code=""
    )
    CareerStepFactory(from_role=coo, to_role=founder, order=2, note="Some start a company.")
    return founder


@pytest.fixture
def draft(coo):
    draft = RoleFactory(title="Chief Transformation Officer", is_published=False)
    ReportingLineFactory(role=draft, manager=coo)
    CareerStepFactory(from_role=coo, to_role=draft, order=3)
    return draft


@pytest.fixture
def graph(ceo, coo, director, founder, draft):
    CareerStepFactory(from_role=coo, to_role=ceo, order=1, typical_years=5)
    return {"ceo": ceo, "coo": coo, "director": director, "founder": founder, "draft": draft}


# The explainer -----------------------------------------------------------------------


def test_coo_explainer_says_whom_the_coo_reports_to_with_a_link_to_the_ceo(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())

    reporting = html.split('id="reporting-title"')[1].split("</section>")[0]
    reports_to, direct_reports = reporting.split("Direct reports")
    assert '<a href="/roles/chief-executive-officer/">Chief Executive Officer</a>' in reports_to
    assert '<a href="/roles/director-of-operations/">Director of Operations</a>' in direct_reports


def test_explainer_answers_the_question_first(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url()).split("<main")[1]

    assert html.count("<h1") == 1
    assert html.index("What is a Chief Operating Officer (COO)?</h1>") < html.index(
        "runs the day-to-day operations of a company"
    )
    assert html.index("runs the day-to-day operations") < html.index("second in command")


def test_explainer_title_and_meta_description_are_written_for_search(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())

    # The longest of its titles that fits in 60 characters, without the site's name.
    assert "<title>What is a Chief Operating Officer (COO)? Duties and pay</title>" in html
    description = unescape(re.search(r'<meta name="description" content="([^"]*)">', html)[1])
    assert description.startswith("A chief operating officer (COO) runs the day-to-day")
    assert len(description) <= 160
    assert description.endswith("…")


def test_explainer_renders_the_overview_as_sanitised_markdown(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())

    assert "<strong>second in command</strong>" in html
    assert "<script>alert(1)</script>" not in html


def test_explainer_lists_responsibilities_grouped_by_area_in_order(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())

    section = html.split('id="responsibilities-title"')[1].split("</section>")[0]
    positions = [
        section.index(text)
        for text in [
            "<h3>Strategy and planning</h3>",
            "Turn the company strategy into operating plans.",
            "Set yearly goals for every department.",
            "<h3>Operations</h3>",
            "Run the day-to-day operations of the company.",
            "<h3>Finance and budget</h3>",
            "Own the operating budget.",
        ]
    ]
    assert positions == sorted(positions)


def test_explainer_states_education_and_experience_plainly(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())

    assert (
        "A bachelor&#x27;s degree, usually in business administration, operations management "
        "or economics."
    ) in html
    assert "10–15 years of experience" in html
    required = html.split("<h3>Required</h3>")[1].split("</ul>")[0]
    preferred = html.split("<h3>Preferred</h3>")[1].split("</ul>")[0]
    assert "Leading large teams." in required
    assert "Lean and Six Sigma methods." in preferred


def test_explainer_shows_the_wages_of_the_whole_occupation_with_their_source(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())
    wages = wages_for("11-1011")

    assert "Chief Executives in the US, all industries" in html
    table = html.split('<table class="wage-table">')[1].split("</table>")[0]
    for label, amount in [
        ("10th percentile", wages.annual_p10),
        ("25th percentile", wages.annual_p25),
        ("Median", wages.annual_median),
        ("75th percentile", wages.annual_p75),
        ("90th percentile", wages.annual_p90),
        ("Mean", wages.annual_mean),
    ]:
        assert f'<th scope="row">{label}</th><td>${amount:,}</td>' in table
    assert f'<a href="{SOURCE_URL}">{SOURCE}</a>' in html


def test_explainer_without_an_occupation_code_shows_no_wage_table(client, graph):
    html = get_page(client, graph["founder"].get_absolute_url())

    assert "wage-table" not in html
    assert "estimatedSalary" not in html


def test_explainer_carries_occupation_json_ld(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())
    data = occupation_data(html)
    wages = wages_for("11-1011")

    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Chief Operating Officer"
    assert data["alternateName"] == ["COO", "Head of Operations"]
    assert data["description"].startswith("A chief operating officer (COO) runs")
    assert data["responsibilities"] == [
        "Turn the company strategy into operating plans.",
        "Run the day-to-day operations of the company.",
        "Set yearly goals for every department.",
        "Own the operating budget.",
    ]
    assert data["qualifications"] == ["Leading large teams.", "Lean and Six Sigma methods."]
    assert data["skills"] == ["Leading large teams.", "Lean and Six Sigma methods."]
    assert data["educationRequirements"]["@type"] == "EducationalOccupationalCredential"
    assert data["educationRequirements"]["credentialCategory"] == "bachelor degree"
    assert data["experienceRequirements"] == {
        "@type": "OccupationalExperienceRequirements",
        "monthsOfExperience": 120,
    }
    category = data["occupationalCategory"]
    assert category["@type"] == "CategoryCode"
    assert category["codeValue"] == "11-1011.00"
    assert category["inCodeSet"]["name"].startswith("O*NET-SOC")
    assert category["inCodeSet"]["url"].startswith("https://www.onetcenter.org/")
    [salary] = data["estimatedSalary"]
    assert salary == {
        "@type": "MonetaryAmountDistribution",
        "name": "base",
        "currency": "USD",
        "duration": "P1Y",
        "percentile10": wages.annual_p10,
        "percentile25": wages.annual_p25,
        "median": wages.annual_median,
        "percentile75": wages.annual_p75,
        "percentile90": wages.annual_p90,
    }
    assert data["occupationLocation"] == [{"@type": "Country", "name": "United States"}]
    assert data["url"] == "http://testserver/roles/chief-operating-officer/"
    assert '"@type": "JobPosting"' not in html


def test_career_path_lists_where_people_come_from_and_the_next_steps_as_text(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())

    [figure] = CAREER_PATH.findall(html)
    assert "<figcaption" in figure
    comes_from, leads_to = figure.split("Where it leads")
    assert '<a href="/roles/director-of-operations/">Director of Operations</a>' in comes_from
    assert "after about 6 years in that role" in comes_from
    next_steps = leads_to.split("<ol")[1].split("</ol>")[0]
    assert next_steps.index("Chief Executive Officer") < next_steps.index("Founder")
    assert "Some start a company." in next_steps


def test_draft_role_is_not_found(client, graph):
    response = client.get(graph["draft"].get_absolute_url())

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_draft_role_is_never_linked_from_published_pages(client, graph):
    pages = [
        graph["coo"].get_absolute_url(),
        reverse("roles:role_directory"),
        compare_url(graph["coo"], graph["director"]),
    ]
    for url in pages:
        html = get_page(client, url)
        assert "Chief Transformation Officer" not in html, url
        assert graph["draft"].slug not in html, url


def test_explainer_shows_faqs_as_expandable_questions(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())

    assert '<summary class="faq__question">Is a COO above a CFO?</summary>' in html
    assert "Usually they are peers." in html


def test_explainer_links_to_compare_with_each_neighbour(client, graph):
    html = get_page(client, graph["coo"].get_absolute_url())

    for neighbour in ("ceo", "director", "founder"):
        assert f'href="{compare_url(graph["coo"], graph[neighbour])}"' in html


def test_explainer_shows_open_postings_newest_first_and_their_salary_range(client, graph):
    coo = graph["coo"]
    now = timezone.now()
    PostingFactory(role=coo, title="COO, older", published_at=now - timedelta(days=9))
    PostingFactory(
        role=coo,
        title="COO, newest",
        published_at=now - timedelta(hours=2),
        salary_min=Decimal("90000"),
        salary_max=Decimal("150000"),
    )
    PostingFactory(role=coo, title="COO, third", salary_min=Decimal("70000"))
    PostingFactory(
        role=coo,
        title="COO, monthly pay",
        salary_min=Decimal("8000"),
        salary_max=Decimal("10000"),
        salary_currency="EUR",
        salary_period=SalaryPeriod.MONTH,
    )
    PostingFactory(role=coo, title="COO, expired", expired=True, salary_max=Decimal("900000"))
    PostingFactory(role=coo, title="COO, draft", draft=True, salary_max=Decimal("900000"))
    PostingFactory(role=coo, title="COO, closed", closed=True, salary_max=Decimal("900000"))
    PostingFactory(
        role=coo,
        title="COO, suspended employer",
        organisation=OrganisationFactory(is_suspended=True),
    )

    html = get_page(client, coo.get_absolute_url())

    jobs = html.split('id="jobs-title"')[1].split("</section>")[0]
    assert jobs.index("COO, newest") < jobs.index("COO, older")
    for hidden in ("expired", "draft", "closed", "suspended employer"):
        assert f"COO, {hidden}" not in html
    assert 'href="/jobs/?role=chief-operating-officer"' in jobs
    assert "See all 4 open COO jobs" in jobs
    pay = html.split('id="pay-title"')[1].split("</section>")[0]
    assert "GBP 60,000–150,000 a year, across 3 full-time postings" in pay
    # One posting in a currency gives no range: it would read as the going rate.
    assert "1 full-time posting in EUR: too few for a range" in pay
    assert "96,000" not in pay
    assert "900,000" not in pay


def test_explainer_with_no_open_postings_says_so(client, graph):
    PostingFactory(role=graph["coo"], expired=True)

    html = get_page(client, graph["coo"].get_absolute_url())

    assert "No COO jobs are open right now." in html
    assert "No open posting for this role states a salary right now." in html


def test_unknown_role_is_not_found(client):
    response = client.get("/roles/chief-happiness-officer/")

    assert response.status_code == HTTPStatus.NOT_FOUND


# An edit shows at once ------------------------------------------------------------


@pytest.fixture
def _page_cache_off(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.mark.usefixtures("_page_cache_off")
@pytest.mark.parametrize(
    ("edit", "old", "new"),
    [
        (
            lambda g: Role.objects.filter(pk=g["coo"].pk).update(overview="Runs the **engine**."),
            "<strong>second in command</strong>",
            "<strong>engine</strong>",
        ),
        (
            lambda g: g["coo"].responsibilities.filter(order=3).update(text="Own the capex."),
            "Own the operating budget.",
            "Own the capex.",
        ),
        (
            lambda g: g["coo"].qualifications.update(kind=Qualification.Kind.TRAIT),
            '<span class="badge">Skill</span>',
            '<span class="badge">Personal quality</span>',
        ),
        (
            lambda g: g["coo"].faqs.update(answer="Usually *they* report to the CEO."),
            "Usually they are peers.",
            "Usually <em>they</em> report to the CEO.",
        ),
        (
            lambda g: Role.objects.filter(pk=g["ceo"].pk).update(title="Chief Executive"),
            ">Chief Executive Officer</a>",
            ">Chief Executive</a>",
        ),
        (
            lambda g: Role.objects.filter(pk=g["director"].pk).update(is_published=False),
            "Director of Operations",
            "No role described on this site reports to the COO.",
        ),
        (
            lambda g: g["coo"].steps_out.filter(to_role=g["founder"]).update(note="Or retire."),
            "Some start a company.",
            "Or retire.",
        ),
        (
            lambda g: Role.objects.filter(pk=g["coo"].pk).update(onet_soc_code="11-1021.00"),
            "Chief Executives in the US",
            "General and Operations Managers in the US",
        ),
        (
            lambda g: RoleFactory(title="Head of Logistics", function=Function.OPERATIONS),
            None,
            "Head of Logistics",
        ),
    ],
    ids=[
        "overview",
        "responsibility",
        "qualification",
        "faq",
        "manager title",
        "unpublished report",
        "career step",
        "occupation code",
        "new role in the function",
    ],
)
def test_explainer_shows_an_edit_at_the_next_request_even_one_that_sends_no_signal(
    client, graph, edit, old, new
):
    """A write takes the stored explainers with it (tests/roles/test_explainers.py): with the
    page cache off, an edit shows at once, even one made through update(), which sends no
    signal."""
    html = get_page(client, graph["coo"].get_absolute_url())
    assert old is None or old in html
    assert new not in html

    edit(graph)

    html = get_page(client, graph["coo"].get_absolute_url())
    assert new in html
    assert old is None or old not in html


@pytest.mark.parametrize(
    ("low", "high", "amounts"),
    [
        ("60000.00", "80000.00", "60,000–80,000"),
        ("60000.00", "60000.00", "60,000"),
        ("60000.00", None, "60,000"),
        (None, "80000.00", "80,000"),
        ("123456.50", "1234567.49", "123,457–1,234,567"),
    ],
)
def test_salary_range_reads_as_whole_yearly_amounts(low, high, amounts):
    salary_range = SalaryRange("GBP", low and Decimal(low), high and Decimal(high), postings=1)

    assert salary_range.amounts == amounts


def role_with_parts(n: int, suffix: str) -> Role:
    role = RoleFactory(title=f"Busy Role {suffix}")
    for i in range(n):
        AlternateTitleFactory(role=role)
        ResponsibilityFactory(role=role, area=list(Responsibility.Area)[i % 10])
        QualificationFactory(role=role, is_required=bool(i % 2))
        FAQFactory(role=role)
        ReportingLineFactory(role=role, manager=RoleFactory())
        ReportingLineFactory(role=RoleFactory(), manager=role)
        CareerStepFactory(from_role=role, to_role=RoleFactory())
        CareerStepFactory(from_role=RoleFactory(), to_role=role)
        PostingFactory(role=role, salary_currency=["GBP", "EUR", "USD"][i % 3])
    return role


def test_explainer_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards against an N+1 over a role's parts, neighbours and open postings: every part
    comes from one prefetch per kind, the reporting lines and career steps both ways from
    one query each, the postings from one list and one aggregate, never a query per row."""
    counts = []
    for n, suffix in [(3, "small"), (30, "large")]:
        role = role_with_parts(n, suffix)
        with django_assert_max_num_queries(EXPLAINER_QUERIES) as captured:
            get_page(client, role.get_absolute_url())
        counts.append(len(captured))

    assert counts[0] == counts[1]


# The directory -------------------------------------------------------------------------


def test_directory_lists_published_roles_by_level_then_title_with_brief_answers(client, graph):
    html = get_page(client, reverse("roles:role_directory"))

    positions = [
        html.index(text)
        for text in [
            '<h2 id="level-executive">Executive',
            "Chief Executive Officer (CEO)",
            "Chief Operating Officer (COO)",
            '<h2 id="level-director">Director',
            "Director of Operations",
            '<h2 id="level-owner">Owner or founder',
            ">Founder<",
        ]
    ]
    assert positions == sorted(positions)
    assert "A chief executive officer leads the whole organisation." in html
    assert "4 roles." in html
    assert '<span class="badge">2 roles</span>' in html


def test_directory_shows_each_roles_open_jobs(client, graph):
    PostingFactory.create_batch(2, role=graph["coo"])
    PostingFactory(role=graph["coo"], expired=True)

    html = get_page(client, reverse("roles:role_directory"))

    assert '<a href="/jobs/?role=chief-operating-officer">2 open jobs</a>' in html


def test_on_a_large_site_the_directory_shows_the_search_pages_estimates(client, graph, monkeypatch):
    postings = PostingFactory.create_batch(200, role=graph["coo"])
    monkeypatch.setattr(facets, "SAMPLE_FROM", 100)
    monkeypatch.setattr(facets, "EXACT_COUNT_LIMIT", 50)
    monkeypatch.setattr(PostingFilter, "deepest_result", 50)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", max(posting.pk for posting in postings) // 2)
    monkeypatch.setattr(facets, "MIN_SAMPLED", 20)

    html = get_page(client, reverse("roles:role_directory"))
    search = client.get("/jobs/", {"role": "chief-operating-officer"}).content.decode()

    shown = re.search(
        r'<a href="/jobs/\?role=chief-operating-officer">About ([\d,]+) open jobs</a>', html
    )
    assert shown
    assert f"About {shown[1]} jobs" in search


def test_directory_filters_by_function(client, graph):
    html = get_page(client, reverse("roles:role_directory") + "?function=operations")

    assert "Chief Operating Officer" in html
    assert "Director of Operations" in html
    assert "Chief Executive Officer" not in html
    assert "2 roles match." in html


def test_directory_filters_by_level(client, graph):
    html = get_page(client, reverse("roles:role_directory") + "?level=director")

    assert "Director of Operations" in html
    assert "Chief Operating Officer" not in html
    assert "1 role matches." in html


def test_directory_filter_form_has_labels(client, graph):
    html = get_page(client, reverse("roles:role_directory"))

    assert '<label for="id_function">Function:</label>' in html
    assert '<label for="id_level">Level:</label>' in html
    assert 'method="get"' in html


@pytest.mark.parametrize(
    "query", ["function=astronaut", "level=" + "x" * 5000, "function[]=1&level=%00"]
)
def test_directory_answers_bad_filter_values_with_a_form_error(client, graph, query):
    response = client.get(reverse("roles:role_directory") + "?" + query)

    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice." in response.content.decode()


def test_directory_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards against an N+1 over roles: each role's count of open postings comes from the
    search's counts, not a query per role."""
    counts = []
    for n in (3, 30):
        for _ in range(n):
            PostingFactory(role=RoleFactory())
        with django_assert_max_num_queries(DIRECTORY_QUERIES) as captured:
            get_page(client, reverse("roles:role_directory") + "?function=operations")
        counts.append(len(captured))

    assert counts[0] == counts[1]


# The comparison ------------------------------------------------------------------------


def test_compare_page_shows_both_roles_section_by_section(client, graph):
    html = get_page(client, compare_url(graph["coo"], graph["director"]))

    assert "<h1>Chief Operating Officer (COO) vs Director of Operations</h1>" in html
    table = html.split('<table class="compare-table">')[1].split("</table>")[0]
    for heading in [
        "In brief",
        "Level and function",
        "Education",
        "Experience",
        "Responsibilities",
        "Qualifications",
        "Reports to",
        "Direct reports",
        "US pay of the occupation (yearly)",
        "Open postings",
    ]:
        assert f'<th scope="row">{heading}</th>' in table
    assert "10–15 years of experience" in table
    assert "5–8 years of experience" in table
    assert "Run the warehouses." in table
    assert f"${wages_for('11-1021').annual_median:,}" in table
    assert f"${wages_for('11-1011').annual_median:,}" in table
    head = table.split("<thead>")[1].split("</thead>")[0]
    assert head.index("Chief Operating Officer (COO)") < head.index("Director of Operations")


def test_compare_page_says_what_the_roles_share_and_how_they_differ(client, graph):
    html = get_page(client, compare_url(graph["coo"], graph["director"]))

    shared = html.split('id="shared-title"')[1].split("</section>")[0]
    assert "Both are operations roles." in shared
    assert "The Director of Operations reports to the COO." in shared
    assert "people commonly move from Director of Operations to Chief Operating Officer" in shared
    assert "Areas of responsibility in common: Operations." in shared
    differ = html.split('id="differ-title"')[1].split("</section>")[0]
    assert "The COO is the more senior role" in differ
    assert "Only the COO covers strategy and planning, finance and budget." in differ
    assert "Only the Director of Operations covers people and culture." in differ
    assert (
        "Education: both usually ask for a bachelor&#x27;s degree, in different fields." in differ
    )
    assert (
        "Experience: 10–15 years of experience for the COO, 5–8 years of experience for the "
        "Director of Operations."
    ) in differ


def test_compare_page_names_a_common_manager(client, graph):
    cfo = RoleFactory(title="Chief Financial Officer", abbreviation="CFO", level=Level.EXECUTIVE)
    ReportingLineFactory(role=cfo, manager=graph["ceo"])

    html = get_page(client, compare_url(graph["coo"], cfo))

    shared = html.split('id="shared-title"')[1].split("</section>")[0]
    assert '<a href="/roles/chief-executive-officer/">Chief Executive Officer</a>' in shared
    assert "Both sit at the executive level." in shared


LITTLE_IN_COMMON = "Little: they sit in different functions, at different levels"


def shared_section(html: str) -> str:
    return html.split('id="shared-title"')[1].split("</section>")[0]


def test_compare_page_says_two_unrelated_roles_share_little(client):
    marketer = RoleFactory(
        title="Brand Manager", function=Function.MARKETING, onet_soc_code="11-2021.00"
    )
    analyst = RoleFactory(
        title="Data Analyst",
        function=Function.TECHNOLOGY,
        level=Level.PROFESSIONAL,
        onet_soc_code="13-1111.00",
    )

    html = get_page(client, compare_url(marketer, analyst))

    assert LITTLE_IN_COMMON in shared_section(html)


@pytest.mark.parametrize(
    "shared",
    [
        {"function": Function.MARKETING},
        {"level": Level.MANAGER},
        {"onet_soc_code": "11-2021.00"},
    ],
    ids=["function", "level", "occupation"],
)
def test_compare_page_does_not_say_roles_share_little_when_they_share_one_thing(client, shared):
    marketer = RoleFactory(
        title="Brand Manager", function=Function.MARKETING, onet_soc_code="11-2021.00"
    )
    analyst = RoleFactory(
        **{
            "title": "Data Analyst",
            "function": Function.TECHNOLOGY,
            "level": Level.PROFESSIONAL,
            "onet_soc_code": "13-1111.00",
            **shared,
        }
    )

    html = get_page(client, compare_url(marketer, analyst))

    assert LITTLE_IN_COMMON not in shared_section(html)


def test_compare_page_in_either_order_renders_with_one_canonical_address(client, graph):
    forward = get_page(client, compare_url(graph["coo"], graph["director"]))
    backward = get_page(client, compare_url(graph["director"], graph["coo"]))

    canonical = (
        '<link rel="canonical" href="http://testserver/roles/compare/'
        'chief-operating-officer-vs-director-of-operations/">'
    )
    assert canonical in forward
    assert canonical in backward
    assert "<h1>Director of Operations vs Chief Operating Officer (COO)</h1>" in backward


@pytest.mark.parametrize(
    "pair",
    [
        "chief-operating-officer-vs-chief-happiness-officer",
        "chief-operating-officer-vs-chief-transformation-officer",
        "chief-operating-officer-vs-chief-operating-officer",
        "chief-operating-officer",
        "chief-operating-officer-vs-",
        "-vs-chief-operating-officer",
        "vs",
        "x" * 500,
        "-vs-".join(["chief-operating-officer"] * 300),
    ],
)
def test_compare_page_is_not_found_for_unknown_draft_same_or_malformed_pairs(client, graph, pair):
    response = client.get(f"/roles/compare/{pair}/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_compare_page_reads_a_slug_that_itself_contains_vs(client, graph):
    RoleFactory(title="Build vs Buy Analyst")

    html = get_page(client, "/roles/compare/build-vs-buy-analyst-vs-chief-operating-officer/")

    assert "<h1>Build vs Buy Analyst vs Chief Operating Officer (COO)</h1>" in html


def test_compare_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards against an N+1 over both roles' parts and postings: the two roles come with
    one prefetch per kind of part, their routes in one query for lines and one for steps,
    and their postings' salaries in one aggregate."""
    counts = []
    for n, suffix in [(3, "small"), (30, "large")]:
        a, b = role_with_parts(n, f"{suffix} a"), role_with_parts(n, f"{suffix} b")
        with django_assert_max_num_queries(COMPARE_QUERIES) as captured:
            get_page(client, compare_url(a, b))
        counts.append(len(captured))

    assert counts[0] == counts[1]


# The wording helpers -------------------------------------------------------------------


def test_meta_description_is_cut_on_a_word():
    text = "word " * 50

    cut = cut_on_word(text)

    assert len(cut) <= 160
    assert cut.endswith("word…")
    assert cut_on_word("Short enough.") == "Short enough."


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (3, 5, "3–5 years of experience"),
        (10, None, "At least 10 years of experience"),
        (None, 2, "Up to 2 years of experience"),
        (1, 1, "1 year of experience"),
        (None, None, ""),
    ],
)
def test_experience_is_said_plainly(low, high, expected):
    role = Role(experience_years_min=low, experience_years_max=high)

    assert experience_phrase(role) == expected


def test_explainer_gives_its_key_facts_before_the_text(client, graph):
    PostingFactory.create_batch(2, role=graph["coo"])

    html = get_page(client, graph["coo"].get_absolute_url()).split("<main")[1]
    facts = html.split('id="key-facts-title"')[1].split("</aside>")[0]
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", facts)).split())

    assert html.index('id="key-facts-title"') < html.index('id="overview-title"')
    assert "Level Executive" in text
    assert "Reports to Chief Executive Officer" in text
    assert "Typical experience" in text
    assert "Open jobs 2 open jobs" in text
    assert "Pay" in text
    assert "On this page" in text


def test_comparison_cells_name_their_role_for_a_phone_that_stacks_them(client, graph):
    url = "/roles/compare/chief-operating-officer-vs-director-of-operations/"

    html = get_page(client, url)

    body = html.split("<tbody>")[1]
    assert body.count('<span class="compare-table__who">COO</span>') == 10
    assert body.count('<span class="compare-table__who">Director of Operations</span>') == 10
