"""`manage.py seed_demo --postings N --seed S`: realistic demo postings over the published roles.

Deterministic: posting number i is drawn from its own `random.Random(f"{seed}:{i}")`, so the
same seed gives the same organisations, titles, slugs, places, salaries and texts, and a
larger N only adds postings. Dates are counted back from today at midnight UTC ("now" rounded
to the day), so a run on another day shifts them by whole days and nothing else.

Idempotent: slugs are derived from the seed and the posting number, and rows are inserted
with bulk_create(ignore_conflicts=True), so a second run adds nothing. bulk_create skips
save(); Posting's own bulk_create fills the salary figures (yearly, and in euros) as save() does.
The search's vocabulary is rebuilt at the end (postings/vocabulary.py).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from postings import demo_organisations, vocabulary
from postings.models import EmploymentType, Organisation, Posting, SalaryPeriod, Workplace
from roles.models import Level, Role

BATCH_SIZE = 1000

# (name, sector, headquarters country). Invented names; websites use example.com.
ORGANISATIONS = [
    ("Northwind Logistics", "logistics", "US"),
    ("Harbourline Foods", "food", "GB"),
    ("Brightwater Health", "healthcare", "US"),
    ("Copperleaf Retail", "retail", "GB"),
    ("Ironbridge Manufacturing", "manufacturing", "GB"),
    ("Bluefin Analytics", "software", "IE"),
    ("Meridian Freight", "logistics", "NL"),
    ("Oakridge Hospitality", "hospitality", "US"),
    ("Silverpine Energy", "energy", "CA"),
    ("Kestrel Aviation Services", "logistics", "IE"),
    ("Lumen Telecom", "software", "DE"),
    ("Granite Peak Construction", "construction", "CA"),
    ("Tidewater Pharmaceuticals", "healthcare", "US"),
    ("Foxglove Home Goods", "retail", "US"),
    ("Redwood Financial Group", "finance", "US"),
    ("Clearpath Software", "software", "GB"),
    ("Summit Outdoor Co.", "retail", "CA"),
    ("Beacon Street Bakeries", "food", "US"),
    ("Juniper Biotech", "healthcare", "DE"),
    ("Waypoint Shipping", "logistics", "SG"),
    ("Evergreen Facilities", "facilities", "AU"),
    ("Stonebridge Insurance", "finance", "GB"),
    ("Alder & Finch Apparel", "retail", "FR"),
    ("Quayside Hotels", "hospitality", "IE"),
    ("Pinnacle Medical Devices", "manufacturing", "NL"),
    ("Riverbend Foods", "food", "AU"),
    ("Cobalt Mobility", "software", "DE"),
    ("Harrow & Vale Publishing", "media", "GB"),
    ("Skylark Education", "education", "AU"),
    ("Thistle Logistics", "logistics", "GB"),
    ("Nordlicht Robotics", "manufacturing", "DE"),
    ("Maple Crest Dairy", "food", "CA"),
    ("Orchard Lane Grocers", "retail", "GB"),
    ("Vantage Point Security", "facilities", "US"),
    ("Cinder & Oak Restaurants", "hospitality", "US"),
    ("Helios Solar", "energy", "ES"),
    ("Lighthouse Care Homes", "healthcare", "GB"),
    ("Marlow Engineering", "manufacturing", "SE"),
]

SECTORS = {
    "logistics": "moves goods for retailers and manufacturers through a network of "
    "warehouses, cross-docks and carriers",
    "food": "makes and distributes food that ends up in supermarkets, cafés and school canteens",
    "healthcare": "runs clinics and services that patients and their families rely on",
    "retail": "sells to customers in its own shops and online, with a growing marketplace",
    "manufacturing": "designs and builds precision products in its own plants",
    "software": "builds software that thousands of businesses use every day",
    "hospitality": "runs hotels and venues where guests expect things to just work",
    "energy": "develops and operates renewable energy projects",
    "construction": "delivers commercial and public building projects from tender to handover",
    "finance": "offers financial products to households and small businesses",
    "facilities": "keeps offices, hospitals and campuses clean, safe and running",
    "media": "publishes books, magazines and digital content for curious readers",
    "education": "runs schools and training programmes for learners of every age",
}

# (city, region, country)
PLACES = [
    ("New York", "New York", "US"),
    ("Chicago", "Illinois", "US"),
    ("Austin", "Texas", "US"),
    ("Seattle", "Washington", "US"),
    ("Atlanta", "Georgia", "US"),
    ("Denver", "Colorado", "US"),
    ("Boston", "Massachusetts", "US"),
    ("London", "England", "GB"),
    ("Manchester", "England", "GB"),
    ("Birmingham", "England", "GB"),
    ("Leeds", "England", "GB"),
    ("Bristol", "England", "GB"),
    ("Edinburgh", "Scotland", "GB"),
    ("Dublin", "Leinster", "IE"),
    ("Cork", "Munster", "IE"),
    ("Galway", "Connacht", "IE"),
    ("Berlin", "Berlin", "DE"),
    ("Munich", "Bavaria", "DE"),
    ("Hamburg", "Hamburg", "DE"),
    ("Frankfurt", "Hesse", "DE"),
    ("Amsterdam", "North Holland", "NL"),
    ("Rotterdam", "South Holland", "NL"),
    ("Eindhoven", "North Brabant", "NL"),
    ("Paris", "Île-de-France", "FR"),
    ("Lyon", "Auvergne-Rhône-Alpes", "FR"),
    ("Lille", "Hauts-de-France", "FR"),
    ("Toronto", "Ontario", "CA"),
    ("Vancouver", "British Columbia", "CA"),
    ("Montreal", "Quebec", "CA"),
    ("Calgary", "Alberta", "CA"),
    ("Sydney", "New South Wales", "AU"),
    ("Melbourne", "Victoria", "AU"),
    ("Brisbane", "Queensland", "AU"),
    ("Singapore", "", "SG"),
    ("Madrid", "Community of Madrid", "ES"),
    ("Barcelona", "Catalonia", "ES"),
    ("Stockholm", "Stockholm County", "SE"),
]

# Currency, and pay relative to the US figures in that currency (rough, for a demo).
PAY = {
    "US": ("USD", 1.0),
    "GB": ("GBP", 0.62),
    "IE": ("EUR", 0.75),
    "DE": ("EUR", 0.72),
    "NL": ("EUR", 0.70),
    "FR": ("EUR", 0.65),
    "ES": ("EUR", 0.50),
    "CA": ("CAD", 1.15),
    "AU": ("AUD", 1.35),
    "SG": ("SGD", 1.30),
    "SE": ("SEK", 7.50),
}

# Yearly US-dollar ranges by level: (lowest minimum, highest maximum).
LEVEL_PAY: dict[str, tuple[int, int]] = {
    Level.EXECUTIVE: (170_000, 340_000),
    Level.VICE_PRESIDENT: (150_000, 250_000),
    Level.DIRECTOR: (110_000, 190_000),
    Level.MANAGER: (65_000, 120_000),
    Level.PROFESSIONAL: (50_000, 90_000),
    Level.OWNER: (90_000, 160_000),
}

# Where remote work may be open to, by the posting's country: a region, or the country.
REMOTE_REGIONS = {
    "US": ["US CA", "US"],
    "CA": ["CA US", "CA"],
    "GB": ["GB IE", "GB"],
    "IE": ["IE GB", "IE GB DE NL FR ES"],
    "DE": ["DE NL FR ES IE", "DE"],
    "NL": ["NL DE FR IE", "NL"],
    "FR": ["FR ES DE NL", "FR"],
    "ES": ["ES FR DE NL", "ES"],
    "SE": ["SE DE NL", "SE"],
    "AU": ["AU SG", "AU"],
    "SG": ["SG AU", "SG"],
}

TITLE_REGIONS = {
    "US": "North America",
    "CA": "North America",
    "GB": "UK & Ireland",
    "IE": "UK & Ireland",
    "DE": "DACH",
    "NL": "Benelux",
    "FR": "EMEA",
    "ES": "EMEA",
    "SE": "Nordics",
    "AU": "APAC",
    "SG": "APAC",
}

DEPARTMENTS = [
    "Fulfilment",
    "Supply Chain",
    "Customer Operations",
    "Retail",
    "Field Operations",
    "Shared Services",
    "Logistics",
    "Manufacturing",
    "Growth",
    "Platform",
    "Business Transformation",
    "Europe",
]

OPENINGS = [
    "{org} {sector}. We have grown quickly over the last few years and now need to make "
    "that growth sustainable.",
    "Founded more than twenty years ago, {org} {sector}. The business is profitable, "
    "ambitious and ready for its next chapter.",
    "{org} {sector}. After a year of investment in people and systems, we are building "
    "the team that will take us into new markets.",
    "At {org} we are proud of what we do: the company {sector}, and our customers notice "
    "when we get the details right.",
]

ROLE_INTROS = [
    "As our {title}, you will {verb} and work closely with the leadership team on the "
    "priorities that matter most this year.",
    "This is a hands-on role: as {title} you will {verb}, and you will have the room to "
    "change how we work.",
    "You will join as {title} at an important moment. Your first months will be about "
    "listening; after that, you will {verb}.",
]

VERBS = [
    "turn strategy into plans that teams can deliver",
    "make our operations simpler, faster and more reliable",
    "lead a team of experienced managers across several sites",
    "own the budget and the numbers behind it",
    "bring structure to a business that has outgrown its processes",
]

BENEFITS = [
    "Twenty-eight days of holiday plus public holidays",
    "A pension with a generous employer contribution",
    "Private health cover for you and your family",
    "A yearly learning budget and time to use it",
    "Flexible hours around core collaboration time",
    "Paid parental leave well beyond the legal minimum",
    "An annual bonus linked to company results",
    "Share options in a growing business",
    "A stipend for your home office",
    "Volunteering days to give back to the community",
    "Cycle-to-work and public transport schemes",
    "Regular team get-togethers across our sites",
]

CLOSINGS = [
    "We welcome applications from people of every background; tell us about any "
    "adjustments you need during the process.",
    "Send us your CV and a short note on why this role appeals to you. We reply to every "
    "applicant within two weeks.",
    "Our process has three conversations and a short case study, and we will share the "
    "case study a week ahead so that you can prepare.",
]

FALLBACK_RESPONSIBILITIES = [
    "Plan and run day-to-day operations so that teams meet their targets",
    "Set budgets, track spending and report on results to the leadership team",
    "Build, coach and lead a team of managers and specialists",
    "Improve processes, systems and controls across the business",
    "Work with finance, sales and customer service on shared goals",
]

FALLBACK_QUALIFICATIONS = [
    "Several years of experience in a similar role",
    "A record of leading teams through change",
    "Confidence with budgets, data and reporting",
    "Clear written and spoken communication",
]


@dataclass
class RoleParts:
    role: Role
    alternates: list[str]
    responsibilities: list[str]
    qualifications: list[str]


class Command(BaseCommand):
    help = (
        "Create N realistic demo postings over the published roles (run load_roles first). "
        "The same seed gives the same postings, and running it again adds nothing. Dates "
        "count back from today at midnight UTC."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--postings", type=int, default=300, help="How many (default 300).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        count, seed = options["postings"], options["seed"]
        if count < 0:
            raise CommandError("--postings must be zero or more.")
        roles = load_roles()
        if not roles:
            raise CommandError(
                "No published roles to post jobs for. Run `python manage.py load_roles` first."
            )
        organisations = ensure_organisations()
        demo_organisations.furnish(organisations)
        today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        before = Posting.objects.count()
        postings = (
            make_posting(index, seed=seed, roles=roles, organisations=organisations, today=today)
            for index in range(count)
        )
        while batch := list(islice(postings, BATCH_SIZE)):
            with transaction.atomic():
                Posting.objects.bulk_create(batch, ignore_conflicts=True)
        added = Posting.objects.count() - before
        # Bulk inserts teach the vocabulary their places; their titles' frequent words and
        # counts need the whole set of open postings.
        vocabulary.rebuild()
        self.stdout.write(
            f"Added {added} demo postings ({count - added} already there) across "
            f"{len(organisations)} organisations and {len(roles)} roles."
        )


def load_roles() -> list[RoleParts]:
    roles = list(
        Role.objects.published()
        .exclude(level=Level.OWNER)
        .prefetch_related("alternate_titles", "responsibilities", "qualifications")
        .order_by("slug")
    ) or list(
        Role.objects.published()
        .prefetch_related("alternate_titles", "responsibilities", "qualifications")
        .order_by("slug")
    )
    return [
        RoleParts(
            role=role,
            alternates=[alternate.title for alternate in role.alternate_titles.all()],
            responsibilities=[item.text.rstrip(".") for item in role.responsibilities.all()],
            qualifications=[item.text.rstrip(".") for item in role.qualifications.all()],
        )
        for role in roles
    ]


def ensure_organisations() -> list[Organisation]:
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=name,
                slug=slugify(name),
                website=f"https://{slugify(name)}.example.com",
                description=f"{name} {SECTORS[sector]}.",
                is_verified=True,
            )
            for name, sector, _country in ORGANISATIONS
        ],
        ignore_conflicts=True,
    )
    by_slug = Organisation.objects.in_bulk(
        [slugify(name) for name, _sector, _country in ORGANISATIONS], field_name="slug"
    )
    return [by_slug[slugify(name)] for name, _sector, _country in ORGANISATIONS]


def make_posting(
    index: int,
    *,
    seed: int,
    roles: list[RoleParts],
    organisations: list[Organisation],
    today: datetime,
) -> Posting:
    """Posting number `index` of the demo set for `seed`, the same on every run."""
    rng = random.Random(f"{seed}:{index}")
    org_index = rng.randrange(len(organisations))
    organisation = organisations[org_index]
    _name, sector, home = ORGANISATIONS[org_index]
    parts = rng.choice(roles)
    role = parts.role

    city, region, country = rng.choice(
        [place for place in PLACES if place[2] == home] if rng.random() < 0.6 else PLACES
    )
    workplace = rng.choices(
        [Workplace.ON_SITE, Workplace.HYBRID, Workplace.REMOTE], weights=[45, 30, 25]
    )[0]
    remote_countries = ""
    if workplace == Workplace.REMOTE:
        remote_countries = rng.choice(["", *REMOTE_REGIONS[country]])
        if rng.random() < 0.5:
            city = region = ""
    elif workplace == Workplace.HYBRID:
        remote_countries = country

    employment_type = employment_type_for(rng, role)
    title = title_for(rng, parts, country, city, employment_type)
    responsibilities = pick(rng, parts.responsibilities or FALLBACK_RESPONSIBILITIES, 4, 6)
    qualifications = pick(rng, parts.qualifications or FALLBACK_QUALIFICATIONS, 3, 5)

    status = Posting.Status.PUBLISHED
    roll = rng.random()
    if roll < 0.03:
        status = Posting.Status.DRAFT
    elif roll < 0.04:
        status = Posting.Status.IN_REVIEW
    elif roll < 0.07:
        status = Posting.Status.CLOSED
    # Most postings are recent; a tail reaches back about five months.
    published = today - timedelta(
        days=int(150 * rng.random() ** 1.8), hours=rng.randrange(24), minutes=rng.randrange(60)
    )
    valid_through: datetime | None = (
        published + timedelta(days=rng.choice([60, 90, 120, 180])) if rng.random() < 0.95 else None
    )
    published_at: datetime | None = published
    if status in (Posting.Status.DRAFT, Posting.Status.IN_REVIEW):
        published_at = valid_through = None

    digest = hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:8]
    posting = Posting(
        organisation=organisation,
        role=role,
        title=title,
        slug=f"{slugify(title)[:100].strip('-')}-{organisation.slug}-{digest}",
        description=description_for(
            rng, organisation.name, sector, role.title, responsibilities, qualifications
        ),
        responsibilities="\n".join(responsibilities),
        qualifications="\n".join(qualifications),
        employment_type=employment_type,
        workplace=workplace,
        city=city,
        region=region,
        country=country,
        # "Open to anywhere" is chosen as Worldwide.
        remote_regions="worldwide"
        if workplace == Workplace.REMOTE and not remote_countries
        else "",
        remote_countries=remote_countries,
        status=status,
        published_at=published_at,
        valid_through=valid_through,
    )
    if rng.random() < 0.8:
        posting.apply_url = f"https://{organisation.slug}.example.com/careers/{digest}"
    else:
        posting.apply_email = f"jobs@{organisation.slug}.example.com"
    set_salary(rng, posting, role, country)
    return posting


def employment_type_for(rng: random.Random, role: Role) -> str:
    if role.level == Level.PROFESSIONAL and rng.random() < 0.1:
        return EmploymentType.INTERNSHIP
    return rng.choices(
        [
            EmploymentType.FULL_TIME,
            EmploymentType.PART_TIME,
            EmploymentType.CONTRACT,
            EmploymentType.TEMPORARY,
        ],
        weights=[78, 5, 12, 5],
    )[0]


def title_for(
    rng: random.Random, parts: RoleParts, country: str, city: str, employment_type: str
) -> str:
    """A title that varies around the role's own: "Director of Operations — EMEA", "Head
    of Operations", "Operations Manager, Fulfilment", "Interim Chief Operating Officer"."""
    role = parts.role
    name = rng.choice(parts.alternates) if parts.alternates and rng.random() < 0.35 else role.title
    roll = rng.random()
    if employment_type in (EmploymentType.CONTRACT, EmploymentType.TEMPORARY) and roll < 0.5:
        return f"Interim {name}"
    if employment_type == EmploymentType.INTERNSHIP:
        return f"{name} Intern"
    if roll < 0.3:
        return name
    if roll < 0.45:
        return f"{name} — {TITLE_REGIONS[country]}"
    if roll < 0.7:
        return f"{name}, {rng.choice(DEPARTMENTS)}"
    if roll < 0.8 and role.level in (Level.MANAGER, Level.PROFESSIONAL):
        return f"Senior {name}"
    if roll < 0.9 and city:
        return f"{name} ({city})"
    return name


def pick(rng: random.Random, items: list[str], low: int, high: int) -> list[str]:
    return rng.sample(items, min(len(items), rng.randint(low, high)))


def description_for(
    rng: random.Random,
    organisation: str,
    sector: str,
    role_title: str,
    responsibilities: list[str],
    qualifications: list[str],
) -> str:
    """Several paragraphs of Markdown, put together from varied parts."""
    opening = rng.choice(OPENINGS).format(org=organisation, sector=SECTORS[sector])
    intro = rng.choice(ROLE_INTROS).format(title=role_title, verb=rng.choice(VERBS))
    doing = "\n".join(f"- {item}" for item in responsibilities[:4])
    bringing = "\n".join(f"- {item}" for item in qualifications[:3])
    benefits = "\n".join(f"- {item}" for item in rng.sample(BENEFITS, 4))
    return (
        f"{opening}\n\n## About the role\n\n{intro}\n\n"
        f"## What you will do\n\n{doing}\n\n"
        f"## What you will bring\n\n{bringing}\n\n"
        f"## What we offer\n\n{benefits}\n\n{rng.choice(CLOSINGS)}"
    )


def set_salary(rng: random.Random, posting: Posting, role: Role, country: str) -> None:
    """A range in the country's currency: yearly for most, by the day or hour for contract
    and temporary work, by the month for some internships; none for about one in eight."""
    if rng.random() < 0.12:
        posting.salary_currency = ""
        posting.salary_period = SalaryPeriod.YEAR
        return
    currency, factor = PAY[country]
    low, high = LEVEL_PAY.get(role.level, LEVEL_PAY[Level.MANAGER])
    yearly_min = rng.uniform(low, low + (high - low) * 0.5) * factor
    yearly_max = yearly_min * rng.uniform(1.1, 1.35)
    if posting.employment_type == EmploymentType.PART_TIME:
        yearly_min, yearly_max = yearly_min * 0.6, yearly_max * 0.6
    if posting.employment_type == EmploymentType.CONTRACT:
        period = rng.choice([SalaryPeriod.DAY, SalaryPeriod.DAY, SalaryPeriod.HOUR])
    elif posting.employment_type == EmploymentType.TEMPORARY:
        period = SalaryPeriod.HOUR
    elif posting.employment_type == EmploymentType.INTERNSHIP:
        period = SalaryPeriod.MONTH
        yearly_min, yearly_max = yearly_min * 0.45, yearly_max * 0.45
    else:
        period = SalaryPeriod.MONTH if rng.random() < 0.04 else SalaryPeriod.YEAR
    # Day and hour rates for contracts run above the salaried equivalent.
    per_period = {
        SalaryPeriod.YEAR: (1, 1000),
        SalaryPeriod.MONTH: (12, 100),
        SalaryPeriod.DAY: (220, 10),
        SalaryPeriod.HOUR: (1760, 1),
    }
    divisor, step = per_period[period]
    minimum = round(yearly_min / divisor / step) * step
    maximum = max(minimum, round(yearly_max / divisor / step) * step)
    posting.salary_currency = currency
    posting.salary_period = period
    if rng.random() < 0.1:
        posting.salary_min = Decimal(minimum)
    else:
        posting.salary_min, posting.salary_max = Decimal(minimum), Decimal(maximum)
