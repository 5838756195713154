"""Realistic rows for the browser tests: a small ladder of roles with all their parts, and
enough postings across workplaces that a filtered search has a second page."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from postings.models import EmploymentType, Membership, Organisation, Posting, Workplace
from roles.models import Function, Level, Qualification, Responsibility, Role
from tests.factories import (
    AlternateTitleFactory,
    CareerStepFactory,
    FAQFactory,
    MembershipFactory,
    OrganisationFactory,
    PostingFactory,
    QualificationFactory,
    ReportingLineFactory,
    ResponsibilityFactory,
    RoleFactory,
    UserFactory,
)

# More than one page (20 a page) of remote COO postings, so a filtered search pages.
REMOTE_COO_POSTINGS = 23
ON_SITE_COO_POSTINGS = 4


@dataclass
class SiteData:
    coo: Role
    ceo: Role
    director: Role
    organisation: Organisation
    recruiter: object
    postings: list[Posting] = field(default_factory=list)

    @property
    def posting(self) -> Posting:
        return self.postings[0]


def role_with_parts(title: str, abbreviation: str, level: str, **kwargs) -> Role:
    role = RoleFactory(
        title=title,
        abbreviation=abbreviation,
        level=level,
        function=kwargs.pop("function", Function.OPERATIONS),
        brief_answer=f"The {title} keeps the organisation's daily work running to plan.",
        overview=(
            f"The {title} turns strategy into day-to-day work.\n\n"
            "They set targets, run budgets and lead the managers who run the teams."
        ),
        fields_of_study="Business administration; operations management",
        sources="O*NET OnLine, https://www.onetonline.org/ (CC BY 4.0)",
        **kwargs,
    )
    AlternateTitleFactory(role=role, title=f"Head of {title.split()[-1]}")
    for area, text in [
        (Responsibility.Area.STRATEGY, "Turn the company's strategy into yearly plans."),
        (Responsibility.Area.OPERATIONS, "Oversee daily operations across every site."),
        (Responsibility.Area.PEOPLE, "Hire and coach the managers who report to them."),
        (Responsibility.Area.FINANCE, "Set and keep the operating budget."),
    ]:
        ResponsibilityFactory(role=role, area=area, text=text)
    QualificationFactory(
        role=role, kind=Qualification.Kind.EXPERIENCE, text="Years of leading operations teams."
    )
    QualificationFactory(
        role=role,
        kind=Qualification.Kind.SKILL,
        text="Budgeting and forecasting.",
        is_required=False,
    )
    FAQFactory(role=role, question=f"How does someone become a {title}?", answer="Step by step.")
    return role


def build_site() -> SiteData:
    ceo = role_with_parts(
        "Chief Executive Officer", "CEO", Level.EXECUTIVE, function=Function.EXECUTIVE
    )
    coo = role_with_parts("Chief Operating Officer", "COO", Level.EXECUTIVE)
    director = role_with_parts("Director of Operations", "", Level.DIRECTOR)
    ReportingLineFactory(role=coo, manager=ceo)
    ReportingLineFactory(role=director, manager=coo)
    CareerStepFactory(from_role=director, to_role=coo, note="After running a larger region.")
    CareerStepFactory(from_role=coo, to_role=ceo, note="The usual next step up.", typical_years=5)

    organisation = OrganisationFactory(name="Harbour Foods", slug="harbour-foods")
    recruiter = UserFactory(username="owner@harbourfoods.example", first_name="Mira")
    MembershipFactory(user=recruiter, organisation=organisation, access=Membership.Access.OWNER)
    now = timezone.now()
    postings = []
    for number in range(REMOTE_COO_POSTINGS + ON_SITE_COO_POSTINGS):
        remote = number < REMOTE_COO_POSTINGS
        postings.append(
            PostingFactory(
                organisation=organisation,
                role=coo,
                title=f"Chief Operating Officer, Region {number + 1}",
                slug=f"coo-region-{number + 1}",
                workplace=Workplace.REMOTE if remote else Workplace.ON_SITE,
                remote_countries="GB IE" if remote else "",
                published_at=now - timedelta(hours=number + 1),
            )
        )
    PostingFactory(
        organisation=organisation,
        role=director,
        title="Director of Operations",
        slug="director-of-operations-bristol",
        city="Bristol",
        employment_type=EmploymentType.CONTRACT,
        workplace=Workplace.HYBRID,
    )
    PostingFactory(organisation=organisation, role=director, slug="old-director", draft=True)
    PostingFactory(organisation=organisation, role=coo, slug="closed-coo", closed=True)
    return SiteData(
        coo=coo,
        ceo=ceo,
        director=director,
        organisation=organisation,
        recruiter=recruiter,
        postings=postings,
    )
