"""What a posting lacks: for search engines' JobPosting, and against its role's template.

`check_posting(posting)` reads only the posting, its role and the role's responsibilities and
qualifications; prefetch `role__responsibilities` and `role__qualifications` when checking
many postings so that the check itself costs no queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from postings.models import Posting, Workplace
from roles.models import EducationLevel, Qualification, Responsibility

# Google asks for a full description; a few sentences at least.
MIN_DESCRIPTION_LENGTH = 300

# Words too common to say whether two sentences are about the same thing.
_STOPWORDS = (
    "a an and are as at be by for from has have in into is it its of on or our the their "
    "to with within across all any other others your you will who what when where which"
)
STOPWORDS = frozenset(_STOPWORDS.split())
# A role's sentence counts as covered by a posting's line sharing this share of its words.
MATCH_THRESHOLD = 0.6
STEM_LENGTH = 6

EDUCATION_WORDS = re.compile(
    r"\b(degree|bachelor|master|mba|phd|doctorate|diploma|graduate|university|college|"
    r"education|qualified)\b",
    re.IGNORECASE,
)
EXPERIENCE_WORDS = re.compile(
    r"\b(\d+\+?\s*(?:[-–]\s*\d+\s*)?years?|experience[d]?)\b", re.IGNORECASE
)


class Level:
    REQUIRED = "required"
    RECOMMENDED = "recommended"
    ROLE = "role"


@dataclass(frozen=True)
class Check:
    """One line of the checklist: what is looked for, whether it is there, how to mend it."""

    label: str
    ok: bool
    level: str
    advice: str = ""
    field: str = ""

    @property
    def level_label(self) -> str:
        return {
            Level.REQUIRED: "Required by search engines",
            Level.RECOMMENDED: "Recommended by search engines",
            Level.ROLE: "Usual for this role",
        }[self.level]


@dataclass(frozen=True)
class Completeness:
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(check.ok for check in self.checks)

    @property
    def total(self) -> int:
        return len(self.checks)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def missing_required(self) -> list[Check]:
        return [check for check in self.missing if check.level == Level.REQUIRED]

    @property
    def is_complete(self) -> bool:
        return not self.missing


def check_posting(posting: Posting, *, now: datetime | None = None) -> Completeness:
    """The checklist for one posting, search engines' needs first, then the role's."""
    now = now or timezone.now()
    return Completeness([*search_engine_checks(posting, now), *role_checks(posting)])


def search_engine_checks(posting: Posting, now: datetime) -> list[Check]:
    is_remote = posting.workplace == Workplace.REMOTE
    description_length = len(posting.description.strip())
    checks = [
        Check(
            "Job title",
            bool(posting.title.strip()),
            Level.REQUIRED,
            "Give the job's title, without salary, place or reference codes.",
            "title",
        ),
        Check(
            "Description of reasonable length",
            description_length >= MIN_DESCRIPTION_LENGTH,
            Level.REQUIRED,
            f"Describe the job in at least {MIN_DESCRIPTION_LENGTH} characters "
            f"(now {description_length}): the team, the work, what success looks like.",
            "description",
        ),
        Check(
            "Apply link or email",
            bool(posting.apply_url or posting.apply_email),
            Level.REQUIRED,
            "Say where to apply: a link to your application page or an email address.",
            "apply_url",
        ),
    ]
    if is_remote:
        checks.append(
            Check(
                "Where remote applicants may live",
                bool(posting.remote_regions.strip() or posting.remote_countries.strip()),
                Level.RECOMMENDED,
                "Choose where applicants may work from: Worldwide, a region such as Europe, "
                "or countries.",
                "remote_countries",
            )
        )
    else:
        checks.append(
            Check(
                "Location: city and country",
                bool(posting.city.strip() and posting.country),
                Level.REQUIRED,
                "Give the city and the two-letter country code of the workplace.",
                "city" if not posting.city.strip() else "country",
            )
        )
    checks += [
        Check(
            "Employment type",
            bool(posting.employment_type),
            Level.RECOMMENDED,
            "Choose full-time, part-time, contract, temporary or internship.",
            "employment_type",
        ),
        Check(
            "Salary range with currency and period",
            posting.has_salary and bool(posting.salary_currency and posting.salary_period),
            Level.RECOMMENDED,
            "Give a salary range, its currency and its period: postings with pay get "
            "more applicants and rank better.",
            "salary_min",
        ),
        Check(
            "Closing date (valid through)",
            posting.valid_through is not None and posting.valid_through > now,
            Level.RECOMMENDED,
            "Set the date applications close; without one it is 60 days after publishing.",
            "valid_through",
        ),
    ]
    return checks


def as_compared(line: str) -> str:
    return " ".join(line.split()).casefold()


def role_checks(posting: Posting) -> list[Check]:
    """Whether the posting covers what the role usually asks. The role's own lines, which
    a new posting starts from, count only once the recruiter has edited them: left as they
    are, they say nothing about this job."""
    role = posting.role
    checks: list[Check] = []
    responsibilities = list(role.responsibilities.all())
    qualifications = list(role.qualifications.all())
    template = {as_compared(item.text) for item in [*responsibilities, *qualifications]}

    def own(lines: list[str]) -> list[str]:
        return [line for line in lines if as_compared(line) not in template]

    lines = [words(line) for line in own(posting.responsibility_list)]
    by_area: dict[str, list[Responsibility]] = {}
    for responsibility in responsibilities:
        by_area.setdefault(responsibility.area, []).append(responsibility)
    for area, responsibilities in by_area.items():
        covered = any(covers(lines, item.text) for item in responsibilities)
        label = Responsibility.Area(area).label
        checks.append(
            Check(
                f"Responsibilities: {label.lower()}",
                covered,
                Level.ROLE,
                f"A {role.title} usually covers {label.lower()}, e.g. "
                f"“{responsibilities[0].text}” Add a line about it, or leave it out on purpose.",
                "responsibilities",
            )
        )

    written_qualifications = own(posting.qualification_list)
    qualification_lines = [words(line) for line in written_qualifications]
    by_kind: dict[str, list[Qualification]] = {}
    for qualification in qualifications:
        by_kind.setdefault(qualification.kind, []).append(qualification)

    def asked_for(kind: str, telling_words: re.Pattern[str], advice: str) -> Check:
        """Education and experience: met by the words that name them, or by a line that
        says what one of the role's own qualifications of that kind says."""
        own = by_kind.pop(kind, [])  # checked here, not again below
        return Check(
            f"Qualifications: {kind}",
            any(telling_words.search(line) for line in written_qualifications)
            or any(covers(qualification_lines, item.text) for item in own),
            Level.ROLE,
            advice,
            "qualifications",
        )

    needs_education = role.education_level != EducationLevel.NONE
    if needs_education or Qualification.Kind.EDUCATION in by_kind:
        checks.append(
            asked_for(
                Qualification.Kind.EDUCATION,
                EDUCATION_WORDS,
                f"Employers usually ask a {role.title} for a "
                f"{role.get_education_level_display().lower()}: say what education you expect.",
            )
        )
    if role.experience_years_min is not None or Qualification.Kind.EXPERIENCE in by_kind:
        years = (
            f" ({role.experience_years_min} years or more is usual)"
            if role.experience_years_min is not None
            else ""
        )
        checks.append(
            asked_for(
                Qualification.Kind.EXPERIENCE,
                EXPERIENCE_WORDS,
                f"Say how much and what kind of experience you ask for{years}.",
            )
        )
    for kind, qualifications in by_kind.items():
        label = Qualification.Kind(kind).label
        checks.append(
            Check(
                f"Qualifications: {label.lower()}",
                any(covers(qualification_lines, item.text) for item in qualifications),
                Level.ROLE,
                f"The role usually asks for {label.lower()} such as "
                f"“{qualifications[0].text}” Add what you look for.",
                "qualifications",
            )
        )
    return checks


def words(text: str) -> set[str]:
    """The telling words of a sentence, cut to a rough stem so "managing" meets "manage"."""
    return {
        word[:STEM_LENGTH]
        for word in re.findall(r"[a-z0-9]+", text.lower())
        if word not in STOPWORDS and len(word) > 2
    }


def covers(lines: list[set[str]], text: str) -> bool:
    """Whether one of the posting's lines says much the same as the role's `text`."""
    wanted = words(text)
    if not wanted:
        return False
    return any(len(wanted & line) / len(wanted) >= MATCH_THRESHOLD for line in lines)
