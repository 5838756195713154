"""`manage.py seed_demo --postings N --seed S`: realistic demo postings over the published roles.

Deterministic: posting number i is drawn from its own `random.Random(f"{seed}:{i}")`, so the
same seed gives the same organisations, titles, slugs, places, salaries and texts, and a
larger N only adds postings. Dates are counted back from today at midnight UTC ("now" rounded
to the day), so a run on another day shifts them by whole days and nothing else.

Coherent: a posting's title, text, role, terms, workplace and place agree with each other
and with the sector and headquarters given to its organisation here (ORGANISATIONS). Roles
are posted only by organisations whose sector has them (ROLE_SECTORS); executives and vice
presidents are hired full-time or as interims at headquarters, a board chair part-time;
others where the organisation hires (MARKETS). Titles never name a place: they vary by
alternate title, seniority, terms and a department of the role's function that the sector
has (DEPARTMENTS), and the text calls the role by the title's name and states the terms,
workplace and place.

Idempotent: slugs are derived from the seed and the posting number, and rows are inserted
with bulk_create(ignore_conflicts=True), so a second run adds nothing. bulk_create skips
save(); Posting's own bulk_create fills the salary figures (yearly, and in euros) as save() does.
The search's vocabulary is rebuilt at the end (postings/vocabulary.py).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from itertools import accumulate, islice
from typing import Any, NamedTuple

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from postings import demo_organisations, vocabulary
from postings.display import country_name
from postings.models import EmploymentType, Organisation, Posting, SalaryPeriod, Workplace
from roles.models import Function, Level, Role

BATCH_SIZE = 1000

# (name, sector, headquarters: a place of PLACES). Invented names; websites use example.com.
# The headquarters are those the company pages show (demo_organisations.HEADQUARTERS).
ORGANISATIONS = [
    ("Northwind Logistics", "logistics", ("Chicago", "Illinois", "US")),
    ("Harbourline Foods", "food", ("Leeds", "England", "GB")),
    ("Brightwater Health", "healthcare", ("Boston", "Massachusetts", "US")),
    ("Copperleaf Retail", "retail", ("Manchester", "England", "GB")),
    ("Ironbridge Manufacturing", "manufacturing", ("Birmingham", "England", "GB")),
    ("Bluefin Analytics", "software", ("Dublin", "Leinster", "IE")),
    ("Meridian Freight", "logistics", ("Rotterdam", "South Holland", "NL")),
    ("Oakridge Hospitality", "hospitality", ("Denver", "Colorado", "US")),
    ("Silverpine Energy", "energy", ("Calgary", "Alberta", "CA")),
    ("Kestrel Aviation Services", "logistics", ("Shannon", "Munster", "IE")),
    ("Lumen Telecom", "software", ("Berlin", "Berlin", "DE")),
    ("Granite Peak Construction", "construction", ("Vancouver", "British Columbia", "CA")),
    ("Tidewater Pharmaceuticals", "pharmaceuticals", ("Raleigh", "North Carolina", "US")),
    ("Foxglove Home Goods", "retail", ("Austin", "Texas", "US")),
    ("Redwood Financial Group", "finance", ("New York", "New York", "US")),
    ("Clearpath Software", "software", ("London", "England", "GB")),
    ("Summit Outdoor Co.", "retail", ("Toronto", "Ontario", "CA")),
    ("Beacon Street Bakeries", "food", ("Boston", "Massachusetts", "US")),
    ("Juniper Biotech", "pharmaceuticals", ("Munich", "Bavaria", "DE")),
    ("Waypoint Shipping", "logistics", ("Singapore", "", "SG")),
    ("Evergreen Facilities", "facilities", ("Melbourne", "Victoria", "AU")),
    ("Stonebridge Insurance", "finance", ("Edinburgh", "Scotland", "GB")),
    ("Alder & Finch Apparel", "retail", ("Lyon", "Auvergne-Rhône-Alpes", "FR")),
    ("Quayside Hotels", "hospitality", ("Cork", "Munster", "IE")),
    ("Pinnacle Medical Devices", "manufacturing", ("Eindhoven", "North Brabant", "NL")),
    ("Riverbend Foods", "food", ("Brisbane", "Queensland", "AU")),
    ("Cobalt Mobility", "software", ("Hamburg", "Hamburg", "DE")),
    ("Harrow & Vale Publishing", "media", ("London", "England", "GB")),
    ("Skylark Education", "education", ("Sydney", "New South Wales", "AU")),
    ("Thistle Logistics", "logistics", ("Glasgow", "Scotland", "GB")),
    ("Nordlicht Robotics", "manufacturing", ("Stuttgart", "Baden-Württemberg", "DE")),
    ("Maple Crest Dairy", "food", ("Guelph", "Ontario", "CA")),
    ("Orchard Lane Grocers", "retail", ("Bristol", "England", "GB")),
    ("Vantage Point Security", "facilities", ("Atlanta", "Georgia", "US")),
    ("Cinder & Oak Restaurants", "hospitality", ("Seattle", "Washington", "US")),
    ("Helios Solar", "energy", ("Valencia", "Valencian Community", "ES")),
    ("Lighthouse Care Homes", "healthcare", ("Cardiff", "Wales", "GB")),
    ("Marlow Engineering", "manufacturing", ("Gothenburg", "Västra Götaland", "SE")),
]

SECTORS = {
    "logistics": "moves goods for retailers and manufacturers through a network of "
    "warehouses, cross-docks and carriers",
    "food": "makes and distributes food that ends up in supermarkets, cafés and school canteens",
    "healthcare": "runs clinics and services that patients and their families rely on",
    "pharmaceuticals": "develops and manufactures medicines that hospitals and pharmacies "
    "depend on",
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

# Roles that exist only in some sectors, by slug; every other role exists in all of them.
ROLE_SECTORS = {
    "plant-manager": {"manufacturing", "food", "pharmaceuticals"},
    "quality-manager": {
        "manufacturing",
        "food",
        "pharmaceuticals",
        "healthcare",
        "logistics",
        "construction",
        "energy",
    },
    "supply-chain-manager": {
        "manufacturing",
        "food",
        "pharmaceuticals",
        "retail",
        "logistics",
        "healthcare",
        "energy",
    },
    "logistics-manager": {
        "logistics",
        "retail",
        "food",
        "manufacturing",
        "pharmaceuticals",
        "healthcare",
    },
    "store-manager": {"retail"},
}

# Roles whose work happens in one place (a plant, a store, a warehouse), by slug.
ON_SITE_ROLES = {"plant-manager", "store-manager", "logistics-manager", "quality-manager"}

# (city, region, country)
PLACES = [
    ("New York", "New York", "US"),
    ("Chicago", "Illinois", "US"),
    ("Austin", "Texas", "US"),
    ("Seattle", "Washington", "US"),
    ("Atlanta", "Georgia", "US"),
    ("Denver", "Colorado", "US"),
    ("Boston", "Massachusetts", "US"),
    ("Raleigh", "North Carolina", "US"),
    ("London", "England", "GB"),
    ("Manchester", "England", "GB"),
    ("Birmingham", "England", "GB"),
    ("Leeds", "England", "GB"),
    ("Bristol", "England", "GB"),
    ("Edinburgh", "Scotland", "GB"),
    ("Glasgow", "Scotland", "GB"),
    ("Cardiff", "Wales", "GB"),
    ("Dublin", "Leinster", "IE"),
    ("Cork", "Munster", "IE"),
    ("Galway", "Connacht", "IE"),
    ("Shannon", "Munster", "IE"),
    ("Berlin", "Berlin", "DE"),
    ("Munich", "Bavaria", "DE"),
    ("Hamburg", "Hamburg", "DE"),
    ("Frankfurt", "Hesse", "DE"),
    ("Stuttgart", "Baden-Württemberg", "DE"),
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
    ("Guelph", "Ontario", "CA"),
    ("Sydney", "New South Wales", "AU"),
    ("Melbourne", "Victoria", "AU"),
    ("Brisbane", "Queensland", "AU"),
    ("Singapore", "", "SG"),
    ("Madrid", "Community of Madrid", "ES"),
    ("Barcelona", "Catalonia", "ES"),
    ("Valencia", "Valencian Community", "ES"),
    ("Stockholm", "Stockholm County", "SE"),
    ("Gothenburg", "Västra Götaland", "SE"),
]

# Where an organisation headquartered in a country has sites and hires: its region.
MARKETS = {
    "US": ["US", "CA"],
    "CA": ["CA", "US"],
    "GB": ["GB", "IE"],
    "IE": ["IE", "GB"],
    "DE": ["DE", "NL", "FR", "ES"],
    "NL": ["NL", "DE", "FR"],
    "FR": ["FR", "ES", "DE", "NL"],
    "ES": ["ES", "FR"],
    "SE": ["SE", "DE", "NL"],
    "AU": ["AU", "SG"],
    "SG": ["SG", "AU"],
}

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

# Roles paid well below their level's range, by slug: most store managers earn about what
# retail supervisors do (BLS OEWS May 2025, 41-1011: median $48,520, 90th percentile $77,080).
ROLE_PAY: dict[str, tuple[int, int]] = {"store-manager": (40_000, 80_000)}

# The levels that lead the whole organisation: posted at its headquarters, with no
# department in the title, never part-time or temporary.
TOP_LEVELS = {Level.EXECUTIVE, Level.VICE_PRESIDENT}
# A board chair is appointed for a few days a month: part-time, at headquarters.
CHAIR = "chair-of-the-board"

# Employment types by level, with weights; interns only where people start out.
EMPLOYMENT: dict[str, dict[str, int]] = {
    Level.EXECUTIVE: {EmploymentType.FULL_TIME: 90, EmploymentType.CONTRACT: 10},
    Level.VICE_PRESIDENT: {EmploymentType.FULL_TIME: 90, EmploymentType.CONTRACT: 10},
    Level.DIRECTOR: {EmploymentType.FULL_TIME: 88, EmploymentType.CONTRACT: 12},
    Level.MANAGER: {
        EmploymentType.FULL_TIME: 78,
        EmploymentType.PART_TIME: 6,
        EmploymentType.CONTRACT: 11,
        EmploymentType.TEMPORARY: 5,
    },
    Level.PROFESSIONAL: {
        EmploymentType.FULL_TIME: 74,
        EmploymentType.PART_TIME: 6,
        EmploymentType.CONTRACT: 8,
        EmploymentType.TEMPORARY: 4,
        EmploymentType.INTERNSHIP: 8,
    },
}
# Workplaces, with weights: those who lead the organisation are rarely fully remote.
WORKPLACES: dict[str, dict[str, int]] = {
    "leading": {Workplace.ON_SITE: 45, Workplace.HYBRID: 45, Workplace.REMOTE: 10},
    "others": {Workplace.ON_SITE: 45, Workplace.HYBRID: 30, Workplace.REMOTE: 25},
}


def cumulative(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    """The choices and their cumulative weights, as random.choices takes them fastest."""
    return list(weights), list(accumulate(weights.values()))


EMPLOYMENT_DRAWS = {level: cumulative(weights) for level, weights in EMPLOYMENT.items()}
WORKPLACE_DRAWS = {group: cumulative(weights) for group, weights in WORKPLACES.items()}

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

# Departments a title may name, by the role's function: (department, the sectors that
# have it, or None for every sector). Places are never departments.
DEPARTMENTS: dict[str, list[tuple[str, set[str] | None]]] = {
    Function.OPERATIONS: [
        ("Fulfilment", {"logistics", "retail", "food"}),
        ("Supply Chain", {"logistics", "retail", "food", "manufacturing", "pharmaceuticals"}),
        ("Customer Operations", None),
        ("Field Operations", {"energy", "construction", "facilities", "logistics"}),
        ("Shared Services", {"finance", "healthcare", "education", "media", "software"}),
        ("Manufacturing", {"manufacturing", "food", "pharmaceuticals"}),
        ("Business Transformation", None),
    ],
    Function.FINANCE: [
        ("Commercial Finance", None),
        ("Group Reporting", None),
        ("Shared Services", {"finance", "healthcare", "education", "media", "software"}),
    ],
    Function.MARKETING: [
        ("Growth", {"software", "retail", "media", "finance", "education", "hospitality"}),
        ("Brand", {"retail", "food", "hospitality", "media"}),
        ("Digital", None),
        ("Product Marketing", {"software", "manufacturing", "pharmaceuticals", "finance"}),
    ],
    Function.PEOPLE: [
        ("Talent Acquisition", None),
        ("Employee Relations", None),
        ("Shared Services", {"finance", "healthcare", "education", "media", "software"}),
    ],
    Function.TECHNOLOGY: [
        ("Infrastructure", None),
        ("Enterprise Systems", None),
        ("Platform", {"software"}),
        ("Service Delivery", None),
    ],
    Function.CUSTOMER_SERVICE: [
        ("Contact Centre", None),
        ("Guest Services", {"hospitality"}),
        ("Retail", {"retail"}),
    ],
}

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

# What the role will do, by how senior it is: an analyst leads no managers.
VERBS: dict[str, list[str]] = {
    "leading": [
        "turn strategy into plans that teams can deliver",
        "lead a team of experienced managers",
        "own the budget and the numbers behind it",
        "bring structure to a business that has outgrown its processes",
    ],
    Level.MANAGER: [
        "run a team that the rest of the business depends on",
        "make the way we work simpler, faster and more reliable",
        "own your team's budget and targets",
        "bring structure to a team that has outgrown its processes",
    ],
    Level.PROFESSIONAL: [
        "give decision-makers the analysis they need",
        "improve how the work gets done, one process at a time",
        "learn the business quickly and make your mark on it",
        "work on projects that cross several teams",
    ],
}

# A board chair neither runs the business nor is employed by it.
CHAIR_VERBS = [
    "lead the board and support the chief executive",
    "guide the board through the company's next stage of growth",
    "make sure the board holds management to account",
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
    "Volunteering days to give back to the community",
    "Cycle-to-work and public transport schemes",
    "Regular team get-togethers across our sites",
]
# Only for those who work from home some or all of the time.
HOME_BENEFITS = ["A stipend for your home office"]
AWAY_BENEFITS = BENEFITS + HOME_BENEFITS
CHAIR_BENEFITS = [
    "A fixed annual fee, reviewed every year",
    "Reasonable expenses for travel to board meetings",
    "Directors' and officers' liability insurance",
    "An induction programme and support from the company secretary",
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
    # The organisations (indexes into ORGANISATIONS) whose sector has the role.
    employers: list[int] = field(default_factory=list)
    # The departments a title may add to each of the role's names, by sector.
    departments: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # Each title's slug, made once per run: titles repeat across thousands of postings.
    slugs: dict[str, str] = field(default_factory=dict)


@dataclass
class Employer:
    organisation: Organisation
    sector: str
    headquarters: tuple[str, str, str]
    # The places of the countries it hires in, its headquarters' country first.
    home_places: list[tuple[str, str, str]]
    market_places: list[tuple[str, str, str]]


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
        employers = ensure_organisations()
        demo_organisations.furnish(employer.organisation for employer in employers)
        today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        before = Posting.objects.count()
        postings = (
            make_posting(index, seed=seed, roles=roles, employers=employers, today=today)
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
            f"{len(employers)} organisations and {len(roles)} roles."
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
    every = []
    for role in roles:
        alternates = [alternate.title for alternate in role.alternate_titles.all()]
        every.append(
            RoleParts(
                role=role,
                alternates=alternates,
                responsibilities=[item.text.rstrip(".") for item in role.responsibilities.all()],
                qualifications=[item.text.rstrip(".") for item in role.qualifications.all()],
                employers=[
                    index
                    for index, (_name, sector, _headquarters) in enumerate(ORGANISATIONS)
                    if sector in ROLE_SECTORS.get(role.slug, SECTORS)
                ],
                departments={
                    (sector, name): departments_for(role.function, sector, name)
                    for sector in SECTORS
                    for name in [role.title, *alternates]
                },
            )
        )
    return every


def ensure_organisations() -> list[Employer]:
    """The demo organisations, made if missing, with what seed_demo knows of each."""
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=name,
                slug=slugify(name),
                website=f"https://{slugify(name)}.example.com",
                description=f"{name} {SECTORS[sector]}.",
                is_verified=True,
            )
            for name, sector, _headquarters in ORGANISATIONS
        ],
        ignore_conflicts=True,
    )
    by_slug = Organisation.objects.in_bulk(
        [slugify(name) for name, _sector, _headquarters in ORGANISATIONS], field_name="slug"
    )
    return [
        Employer(
            organisation=by_slug[slugify(name)],
            sector=sector,
            headquarters=headquarters,
            home_places=[place for place in PLACES if place[2] == headquarters[2]],
            market_places=[place for place in PLACES if place[2] in MARKETS[headquarters[2]]],
        )
        for name, sector, headquarters in ORGANISATIONS
    ]


def make_posting(
    index: int,
    *,
    seed: int,
    roles: list[RoleParts],
    employers: list[Employer],
    today: datetime,
) -> Posting:
    """Posting number `index` of the demo set for `seed`, the same on every run."""
    rng = random.Random(f"{seed}:{index}")
    parts = rng.choice(roles)
    role = parts.role
    employer = employers[rng.choice(parts.employers or range(len(employers)))]
    organisation = employer.organisation

    employment_type = employment_type_for(rng, role)
    city, region, country = place_for(rng, role, employer)
    workplace = workplace_for(rng, role, employment_type)
    remote_countries = ""
    if workplace == Workplace.REMOTE:
        remote_countries = rng.choice(["", *REMOTE_REGIONS[country]])
        if rng.random() < 0.5:
            city = region = ""
    elif workplace == Workplace.HYBRID:
        remote_countries = country

    name = rng.choice(parts.alternates) if parts.alternates and rng.random() < 0.35 else role.title
    title = title_for(
        rng, role, name, parts.departments.get((employer.sector, name), []), employment_type
    )
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
    slugged = parts.slugs.get(title)
    if slugged is None:
        slugged = parts.slugs[title] = slugify(title)[:100].strip("-")
    posting = Posting(
        organisation=organisation,
        role=role,
        title=title,
        slug=f"{slugged}-{organisation.slug}-{digest}",
        description=description_for(
            rng,
            Terms(organisation.name, employer.sector, name, role.level, role.slug),
            Where(employment_type, workplace, city, remote_countries),
            responsibilities,
            qualifications,
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
    """Full-time mostly; interim contracts at every level, part-time and temporary work
    below the directors, internships only where people start out, a board chair part-time."""
    if role.slug == CHAIR:
        return EmploymentType.PART_TIME
    types, weights = EMPLOYMENT_DRAWS.get(role.level, EMPLOYMENT_DRAWS[Level.DIRECTOR])
    return rng.choices(types, cum_weights=weights)[0]


def place_for(rng: random.Random, role: Role, employer: Employer) -> tuple[str, str, str]:
    """Where the posting is based: the headquarters for those who lead the organisation,
    mostly its home country for directors, anywhere it hires for the rest."""
    if role.level in TOP_LEVELS or role.slug == CHAIR:
        return employer.headquarters
    if role.level == Level.DIRECTOR:
        roll = rng.random()
        if roll < 0.5:
            return employer.headquarters
        return rng.choice(employer.home_places if roll < 0.85 else employer.market_places)
    return rng.choice(employer.home_places if rng.random() < 0.5 else employer.market_places)


def workplace_for(rng: random.Random, role: Role, employment_type: str) -> str:
    """On site where the work is (a plant, a store, a board), hybrid or remote elsewhere."""
    if role.slug in ON_SITE_ROLES or role.slug == CHAIR:
        return Workplace.ON_SITE if rng.random() < 0.8 else Workplace.HYBRID
    if employment_type == EmploymentType.INTERNSHIP:
        return Workplace.ON_SITE if rng.random() < 0.6 else Workplace.HYBRID
    places, weights = WORKPLACE_DRAWS["leading" if role.level in TOP_LEVELS else "others"]
    return rng.choices(places, cum_weights=weights)[0]


def title_for(
    rng: random.Random, role: Role, name: str, departments: list[str], employment_type: str
) -> str:
    """A title that varies around the role's name (its title or an alternate title), and
    never names a place: "Interim Chief Operating Officer", "Operations Manager,
    Fulfilment" (one of `departments`, those the organisation's sector has), "Senior
    Financial Analyst"."""
    if employment_type in (EmploymentType.CONTRACT, EmploymentType.TEMPORARY):
        return f"Interim {name}" if rng.random() < 0.5 else name
    if employment_type == EmploymentType.INTERNSHIP:
        return f"{name} Intern"
    roll = rng.random()
    if roll < 0.35 and departments and role.level not in TOP_LEVELS and role.slug != CHAIR:
        return f"{name}, {rng.choice(departments)}"
    if (
        roll < 0.5
        and role.level in (Level.MANAGER, Level.PROFESSIONAL)
        and not name.startswith(("Senior", "Head", "Lead"))
    ):
        return f"Senior {name}"
    return name


def departments_for(function: str, sector: str, name: str) -> list[str]:
    """The departments a title of `name` may name in `sector`: none that repeats its words."""
    words = set(name.lower().split())
    return [
        department
        for department, sectors in DEPARTMENTS.get(function, [])
        if (sectors is None or sector in sectors) and not words & set(department.lower().split())
    ]


def pick(rng: random.Random, items: list[str], low: int, high: int) -> list[str]:
    return rng.sample(items, min(len(items), rng.randint(low, high)))


class Terms(NamedTuple):
    """Who is hiring, and for what: the organisation, its sector and the role's name."""

    organisation: str
    sector: str
    name: str
    level: str
    role_slug: str


class Where(NamedTuple):
    """How and where the work is done."""

    employment_type: str
    workplace: str
    city: str
    remote_countries: str


def description_for(
    rng: random.Random,
    terms: Terms,
    where: Where,
    responsibilities: list[str],
    qualifications: list[str],
) -> str:
    """Several paragraphs of Markdown, put together from varied parts, that say what the
    title says: the same name, and the posting's own terms and place."""
    opening = rng.choice(OPENINGS).format(org=terms.organisation, sector=SECTORS[terms.sector])
    chair = terms.role_slug == CHAIR
    verbs = CHAIR_VERBS if chair else VERBS.get(terms.level, VERBS["leading"])
    intro = rng.choice(ROLE_INTROS).format(title=terms.name, verb=rng.choice(verbs))
    terms_of_work = engagement(rng, terms, where)
    place = location(where)
    arrangement = f"{terms_of_work} {place}" if terms_of_work else place
    doing = "\n".join(f"- {item}" for item in responsibilities[:4])
    bringing = "\n".join(f"- {item}" for item in qualifications[:3])
    if chair:
        offered = CHAIR_BENEFITS
    else:
        offered = BENEFITS if where.workplace == Workplace.ON_SITE else AWAY_BENEFITS
    benefits = "\n".join(f"- {item}" for item in rng.sample(offered, 4))
    return (
        f"{opening}\n\n## About the role\n\n{intro} {arrangement}\n\n"
        f"## What you will do\n\n{doing}\n\n"
        f"## What you will bring\n\n{bringing}\n\n"
        f"## What we offer\n\n{benefits}\n\n{rng.choice(CLOSINGS)}"
    )


def engagement(rng: random.Random, terms: Terms, where: Where) -> str:
    """The terms of the engagement, where they are not a permanent full-time job."""
    if terms.role_slug == CHAIR:
        days = rng.choice(["two", "three", "four"])
        return f"This is a non-executive appointment of about {days} days a month."
    if where.employment_type == EmploymentType.CONTRACT:
        months = rng.choice([6, 9, 12])
        return f"This is an interim assignment of {months} months, with the option to extend."
    if where.employment_type == EmploymentType.TEMPORARY:
        months = rng.choice([3, 4, 6])
        return f"This is a temporary post of {months} months, covering a colleague's leave."
    if where.employment_type == EmploymentType.PART_TIME:
        days = rng.choice(["three", "four"])
        return f"The role is part-time, {days} days a week."
    if where.employment_type == EmploymentType.INTERNSHIP:
        months = rng.choice([3, 6])
        return f"This is a paid internship of {months} months, with a mentor from the team."
    return ""


def location(where: Where) -> str:
    """Where the work is done, as the posting's workplace and place say."""
    if where.workplace == Workplace.REMOTE:
        return remote_sentence(where.remote_countries)
    if where.workplace == Workplace.HYBRID:
        return f"The role is hybrid, with part of each week in {where.city}."
    return f"The role is based in {where.city}."


@cache
def remote_sentence(remote_countries: str) -> str:
    """Where a remote posting is open to, in words: one of a few REMOTE_REGIONS, so each is
    worded once per run."""
    countries = [country_name(code) for code in remote_countries.split()]
    if not countries:
        return "The role is fully remote."
    listed = (
        countries[-1] if len(countries) == 1 else f"{', '.join(countries[:-1])} and {countries[-1]}"
    )
    return f"The role is fully remote, open to people living in {listed}."


def set_salary(rng: random.Random, posting: Posting, role: Role, country: str) -> None:
    """A range in the country's currency: yearly for most (a board chair's fee included),
    by the day for interim work (or the hour below the directors), by the hour for temporary
    work, by the month for internships; none for about one in eight."""
    if rng.random() < 0.12:
        posting.salary_currency = ""
        posting.salary_period = SalaryPeriod.YEAR
        return
    currency, factor = PAY[country]
    low, high = ROLE_PAY.get(role.slug) or LEVEL_PAY.get(role.level, LEVEL_PAY[Level.MANAGER])
    yearly_min = rng.uniform(low, low + (high - low) * 0.5) * factor
    yearly_max = yearly_min * rng.uniform(1.1, 1.35)
    if posting.employment_type == EmploymentType.PART_TIME:
        yearly_min, yearly_max = yearly_min * 0.6, yearly_max * 0.6
    if posting.employment_type == EmploymentType.CONTRACT:
        # Interim directors and executives are paid by the day, never by the hour.
        hourly = role.level in (Level.MANAGER, Level.PROFESSIONAL)
        period = rng.choice(
            [SalaryPeriod.DAY, SalaryPeriod.DAY, SalaryPeriod.HOUR if hourly else SalaryPeriod.DAY]
        )
    elif posting.employment_type == EmploymentType.TEMPORARY:
        period = SalaryPeriod.HOUR
    elif posting.employment_type == EmploymentType.INTERNSHIP:
        period = SalaryPeriod.MONTH
        yearly_min, yearly_max = yearly_min * 0.45, yearly_max * 0.45
    else:
        period = SalaryPeriod.MONTH if rng.random() < 0.04 else SalaryPeriod.YEAR
    # Day and hour rates run about a third above the salaried equivalent: no paid leave.
    per_period = {
        SalaryPeriod.YEAR: (1, 1000),
        SalaryPeriod.MONTH: (12, 100),
        SalaryPeriod.DAY: (165, 10),
        SalaryPeriod.HOUR: (1320, 1),
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
