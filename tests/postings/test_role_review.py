"""What the content review changed on the role pages, as a reader sees it: education read
correctly, one responsibility as a sentence, sources with their addresses and review date,
what the wage figures leave out, how chairs and founders are paid, and the Occupation's ISCO
code and review date for search engines."""

import datetime
import re
from html import unescape

import pytest

from roles.models import EducationLevel, Level, Responsibility
from tests.factories import ResponsibilityFactory, RoleFactory
from tests.helpers import get_page, occupation_data

pytestmark = pytest.mark.django_db

RESPONSIBILITIES = re.compile(r'<section class="section" id="responsibilities".*?</section>', re.S)
QUALIFICATIONS = re.compile(r'<section class="section" id="qualifications".*?</section>', re.S)
SOURCES = re.compile(r'<section class="section" id="sources".*?</section>', re.S)
PAY = re.compile(r'<section class="section" id="pay".*?</section>', re.S)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize(
    ("level", "said"),
    [
        (
            EducationLevel.BACHELOR,
            "A bachelor's degree, usually in business administration or law.",
        ),
        (
            EducationLevel.HIGH_SCHOOL,
            "A high school diploma. Those with a degree often studied business administration "
            "or law.",
        ),
        (
            EducationLevel.NONE,
            "No formal education is required. Those with a degree often studied business "
            "administration or law.",
        ),
    ],
)
def test_fields_of_study_go_with_a_degree_only(client, level, said):
    role = RoleFactory(education_level=level, fields_of_study="Business administration, Law")

    section = text_of(QUALIFICATIONS.search(get_page(client, role.get_absolute_url()))[0])

    assert said in section
    assert "diploma, usually in" not in section


def test_an_area_with_one_responsibility_reads_as_a_sentence_not_a_list_of_one(client):
    role = RoleFactory()
    ResponsibilityFactory(role=role, area=Responsibility.Area.STRATEGY, text="Set the plan.")
    ResponsibilityFactory(role=role, area=Responsibility.Area.FINANCE, text="Own the budget.")
    ResponsibilityFactory(role=role, area=Responsibility.Area.FINANCE, text="Cut waste.")

    section = RESPONSIBILITIES.search(get_page(client, role.get_absolute_url()))[0]

    assert "<p>Set the plan.</p>" in section
    assert section.count("<ol") == 1
    assert re.search(r"<ol[^>]*>\s*<li>Own the budget\.</li><li>Cut waste\.</li>", section)


def test_sources_link_to_their_pages_and_say_when_they_were_last_reviewed(client):
    role = RoleFactory(
        sources="O*NET OnLine, 11-1021.00 General and Operations Managers (CC BY 4.0) "
        "https://www.onetonline.org/link/summary/11-1021.00\n"
        "A machine-translated explainer from a Chinese recruitment website\n"
        "https://www.bls.gov/ooh/\n"
        "javascript:alert(1)",
        reviewed_on=datetime.date(2026, 12, 5),
    )

    section = SOURCES.search(get_page(client, role.get_absolute_url()))[0]

    assert (
        '<a href="https://www.onetonline.org/link/summary/11-1021.00">O*NET OnLine, 11-1021.00 '
        "General and Operations Managers (CC BY 4.0)</a>"
    ) in section
    assert "<li>A machine-translated explainer from a Chinese recruitment website</li>" in section
    assert '<a href="https://www.bls.gov/ooh/">https://www.bls.gov/ooh/</a>' in section
    assert "<li>javascript:alert(1)</li>" in section
    assert '<time datetime="2026-12-05">5 December 2026</time>' in section


def test_the_wage_note_says_what_the_figures_leave_out_and_links_the_occupations_page(client):
    role = RoleFactory(onet_soc_code="11-1021.00")

    html = PAY.search(get_page(client, role.get_absolute_url()))[0]
    pay = text_of(html)

    assert "leave out the self-employed" in pay
    assert "stock options and non-production bonuses" in pay
    assert 'href="https://www.bls.gov/oes/current/oes111021.htm"' in html


def test_a_role_paid_otherwise_shows_how_instead_of_a_wage_table(client):
    chair = RoleFactory(
        title="Chair of the Board",
        level=Level.EXECUTIVE,
        onet_soc_code="11-1011.00",
        wage_table=False,
        pay_note="Chairs are paid a yearly fee for board work, so no wage table is shown.",
    )

    html = get_page(client, chair.get_absolute_url())

    assert "Chairs are paid a yearly fee for board work" in PAY.search(html)[0]
    assert "wage-table" not in html
    assert "estimatedSalary" not in occupation_data(html)


def test_the_comparison_shows_a_pay_note_where_a_role_has_no_wage_table(client):
    chair = RoleFactory(
        title="Chair of the Board",
        wage_table=False,
        pay_note="Chairs are paid a yearly fee for board work.",
    )
    ceo = RoleFactory(title="Chief Executive Officer", onet_soc_code="11-1011.00")

    html = get_page(client, f"/roles/compare/{chair.slug}-vs-{ceo.slug}/")

    assert "Chairs are paid a yearly fee for board work." in html
    assert 'href="https://www.bls.gov/oes/current/oes111011.htm"' in html
    assert "leave out the self-employed" in html


def test_the_occupation_names_its_isco_code_and_its_page_its_review_date(client):
    role = RoleFactory(
        onet_soc_code="11-1021.00", isco_code="1219", reviewed_on=datetime.date(2026, 12, 5)
    )

    data = occupation_data(get_page(client, role.get_absolute_url()))

    onet, isco = data["occupationalCategory"]
    assert onet["codeValue"] == "11-1021.00"
    assert isco == {
        "@type": "CategoryCode",
        "codeValue": "1219",
        "name": "Business services and administration managers not elsewhere classified",
        "inCodeSet": {
            "@type": "CategoryCodeSet",
            "name": "ISCO-08",
            "url": "https://www.ilo.org/public/english/bureau/stat/isco/isco08/",
        },
    }
    assert data["mainEntityOfPage"] == {
        "@type": "WebPage",
        "lastReviewed": "2026-12-05",
        "url": f"http://testserver{role.get_absolute_url()}",
    }


def test_the_search_answer_says_what_the_median_leaves_out_and_links_the_occupation(client):
    RoleFactory(title="Chief Operating Officer", abbreviation="COO", onet_soc_code="11-1011.00")

    html = get_page(client, "/jobs/", {"q": "COO"})

    assert "leaving out the self-employed, stock options and non-production bonuses" in html
    assert '<a href="https://www.bls.gov/oes/current/oes111011.htm">' in html


def test_the_search_answer_of_a_role_without_a_wage_table_gives_no_median(client):
    RoleFactory(
        title="Chair of the Board",
        onet_soc_code="11-1011.00",
        wage_table=False,
        pay_note="Chairs are paid a yearly fee for board work.",
    )

    html = get_page(client, "/jobs/", {"q": "chair of the board"})

    assert "What is a Chair of the Board?" in html
    assert "Median pay" not in html
