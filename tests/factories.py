"""Factories for every model: `RoleFactory(slug="chief-operating-officer")`, and `build_site()`,
realistic rows for the tests that look at the site as a whole."""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify

from postings.models import (
    EmailVerification,
    EmploymentType,
    Invitation,
    Membership,
    Organisation,
    Posting,
    PostingEvent,
    SalaryPeriod,
    Workplace,
)
from roles.models import (
    FAQ,
    AlternateTitle,
    CareerStep,
    EducationLevel,
    Function,
    Level,
    OccupationWage,
    Qualification,
    ReportingLine,
    Responsibility,
    Role,
    Shorthand,
    WageArea,
)

PASSWORD = "correct horse battery staple"


class EmailVerificationFactory(factory.django.DjangoModelFactory):
    """A sign-up's pending verification; `verified=True` for one whose link was used."""

    class Meta:
        model = EmailVerification

    user = factory.SubFactory("tests.factories.UserFactory")
    verified_at = None

    class Params:
        verified = factory.Trait(verified_at=factory.LazyFunction(timezone.now))


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose address counts as verified, like any account staff made; pass
    `unverified=True` for one fresh from sign-up, whose verification link is unused."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)

    class Params:
        unverified = factory.Trait(
            email_verification=factory.RelatedFactory(
                EmailVerificationFactory, factory_related_name="user"
            )
        )


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Operations Role {n}")
    slug = factory.LazyAttribute(lambda r: slugify(r.title))
    function = Function.OPERATIONS
    level = Level.MANAGER
    brief_answer = factory.LazyAttribute(lambda r: f"A {r.title} keeps an organisation running.")
    overview = "The longer account of the role."
    education_level = EducationLevel.BACHELOR
    experience_years_min = 3
    experience_years_max = 5
    onet_soc_code = "11-1021.00"
    is_published = True


class AlternateTitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlternateTitle

    role = factory.SubFactory(RoleFactory)
    title = factory.Sequence(lambda n: f"Alternate Title {n}")


class ShorthandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shorthand
        django_get_or_create = ("term",)

    term = factory.Sequence(lambda n: f"sh{n}")
    meaning = "operations"


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    role = factory.SubFactory(RoleFactory)
    area = Responsibility.Area.OPERATIONS
    text = factory.Sequence(lambda n: f"Responsibility number {n}.")
    order = factory.Sequence(lambda n: n)


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    role = factory.SubFactory(RoleFactory)
    kind = Qualification.Kind.SKILL
    text = factory.Sequence(lambda n: f"Qualification number {n}.")
    is_required = True
    order = factory.Sequence(lambda n: n)


class ReportingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingLine

    role = factory.SubFactory(RoleFactory)
    manager = factory.SubFactory(RoleFactory)


class CareerStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareerStep

    from_role = factory.SubFactory(RoleFactory)
    to_role = factory.SubFactory(RoleFactory)
    note = "A common next step."
    typical_years = 4


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQ

    role = factory.SubFactory(RoleFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An answer."
    order = factory.Sequence(lambda n: n)


class WageAreaFactory(factory.django.DjangoModelFactory):
    """A state unless told otherwise; `code` picks an existing area."""

    class Meta:
        model = WageArea
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"99{n:05d}")
    name = factory.Sequence(lambda n: f"Area {n}")
    kind = WageArea.Kind.STATE
    state_code = factory.LazyAttribute(lambda area: area.code[:2])


class OccupationWageFactory(factory.django.DjangoModelFactory):
    """General and operations managers' wages across all industries in a state."""

    class Meta:
        model = OccupationWage

    area = factory.SubFactory(WageAreaFactory)
    industry_code = OccupationWage.ALL_INDUSTRIES
    industry = "Cross-industry"
    soc_code = "11-1021"
    occupation = "General and Operations Managers"
    employment = 1000
    annual_mean = 130000
    annual_p10 = 50000
    annual_p25 = 70000
    annual_median = 100000
    annual_p75 = 160000
    annual_p90 = 230000
    hourly_median = Decimal("48.08")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Acme Logistics {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    website = "https://example.com"
    is_verified = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    access = Membership.Access.RECRUITER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")


class PostingFactory(factory.django.DjangoModelFactory):
    """A published, open posting unless told otherwise."""

    class Meta:
        model = Posting

    organisation = factory.SubFactory(OrganisationFactory)
    role = factory.SubFactory(RoleFactory)
    title = factory.LazyAttribute(lambda p: p.role.title)
    slug = factory.Sequence(lambda n: f"posting-{n}")
    description = "We are looking for someone to run our operations.\n\nYou will **lead** a team."
    responsibilities = "Run daily operations\nReport to the board"
    qualifications = "Five years in operations\nA bachelor's degree"
    employment_type = EmploymentType.FULL_TIME
    workplace = Workplace.ON_SITE
    city = "Manchester"
    region = "England"
    country = "GB"
    salary_min = Decimal("60000")
    salary_max = Decimal("80000")
    salary_currency = "GBP"
    salary_period = SalaryPeriod.YEAR
    apply_url = "https://example.com/apply"
    status = Posting.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    valid_through = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    class Params:
        draft = factory.Trait(status=Posting.Status.DRAFT, published_at=None)
        expired = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=60)),
            valid_through=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        closed = factory.Trait(status=Posting.Status.CLOSED)


class PostingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostingEvent

    posting = factory.SubFactory(PostingFactory)
    action = PostingEvent.Action.CREATED


# --- A whole site -----------------------------------------------------------------------
# A small ladder of roles with all their parts, and enough postings across workplaces that a
# filtered search has a second page.

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
    # Pay where you live: the roles' occupation (11-1021) in a state and a metro area.
    OccupationWageFactory(area=WageAreaFactory(code="0600000", name="California"))
    OccupationWageFactory(
        area=WageAreaFactory(
            code="0041860", name="San Francisco-Oakland-Fremont, CA", kind=WageArea.Kind.METRO
        ),
        annual_p90=239_200,
        top_coded="annual_p90",
    )
    return SiteData(
        coo=coo,
        ceo=ceo,
        director=director,
        organisation=organisation,
        recruiter=recruiter,
        postings=postings,
    )


def write_behind_the_caches_back(row: Model, **values: object) -> None:
    """UPDATE the row in SQL: no signal, no queryset, so nothing bumps the version."""
    quote = connection.ops.quote_name
    fields = [row._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    params = [field.get_db_prep_value(values[field.name], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(row._meta.db_table)} SET {assignments} WHERE id = %s",  # noqa: S608
            [*params, row.pk],
        )
