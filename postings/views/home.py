"""The home page: search, the roles people are hiring for, the latest jobs.

Its figures are the search page's own: the counts of /jobs/ with nothing searched
(postings/facets.py), exact on a small site and estimated from the search's sample on a
large one, so the home page and the page it links to always agree and neither counts every
open posting.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest, HttpResponseBase
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from jobsite import structured_data
from jobsite.caching import expires_with, public_page
from postings import facets
from postings.display import RESULT_FIELDS
from postings.models import Posting, Workplace
from roles.models import Role

DESCRIPTION = (
    "What does a COO or a Director of Operations do, need and lead to? Read plain-English "
    "explainers of leadership roles and search the jobs that match."
)
FEATURED_ROLE_COUNT = 6
LATEST_POSTING_COUNT = 8
# The roles the site is built around lead the home page, whatever their number of jobs.
FLAGSHIP_SLUGS = ("chief-operating-officer", "director-of-operations")
# The operations ladder the home page draws, a step at a time, upwards (roles by slug; a
# step may hold two roles that are alternatives at that level).
LADDER = (
    ("operations-analyst",),
    ("operations-manager",),
    ("director-of-operations",),
    ("vice-president-of-operations", "general-manager"),
    ("chief-operating-officer",),
    ("chief-executive-officer",),
)
LABEL_WIDTH = 16  # characters on one line of a ladder box
PAIR_LABEL_WIDTH = 13  # in the tall picture, where two boxes share a row


@dataclass
class LadderBox:
    """A role's box in the ladder picture, in the picture's own units."""

    url: str
    title: str
    lines: list[str]
    x: int
    y: int
    width: int
    height: int
    top: bool = False

    @property
    def center(self) -> int:
        return self.x + self.width // 2

    @property
    def text_y(self) -> int:
        """The first line's baseline, so that the lines sit in the middle of the box."""
        return self.y + self.height // 2 - (len(self.lines) - 1) * 9 + 5


def label_lines(title: str, width: int = LABEL_WIDTH) -> list[str]:
    """A title in lines of about `width` characters, broken between words."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


@dataclass
class Ladder:
    """The ladder drawn twice: `wide` a staircase rising to the right, `tall` a column rising
    upwards for phones, `tall_height` high."""

    wide: list[LadderBox]
    tall: list[LadderBox]
    tall_height: int


# A step of the ladder: its published roles' addresses and titles.
Step = tuple[tuple[str, str], ...]


def ladder_steps(roles: dict[str, Role]) -> tuple[Step, ...]:
    """The ladder's steps whose roles are published (`roles`, by slug)."""
    steps = (
        tuple((roles[slug].get_absolute_url(), roles[slug].title) for slug in step if slug in roles)
        for step in LADDER
    )
    return tuple(step for step in steps if step)


@lru_cache(maxsize=16)
def ladder_html(steps: tuple[Step, ...]) -> SafeString:
    """The ladder's figure: drawn once per process for each ladder, as it changes only when
    a role on it is renamed, published or withdrawn, which changes `steps`."""
    return render_to_string("postings/includes/_ladder.html", {"ladder": ladder_pictures(steps)})


def ladder_pictures(steps: tuple[Step, ...]) -> Ladder:
    """The ladder's boxes, a step at a time, upwards."""
    ladder = Ladder(wide=[], tall=[], tall_height=len(steps) * 84 - 28)
    last = len(steps) - 1
    for index, step in enumerate(steps):
        for place, (url, title) in enumerate(step):
            lines, top = label_lines(title), index == last
            # Wide: columns of 150 with 20 between, each step 36 higher than the last.
            ladder.wide.append(
                LadderBox(
                    url, title, lines, index * 170, 236 - index * 36 - place * 66, 150, 60, top
                )
            )
            # Tall: rows of 56 with 28 between, the top step first; two roles side by side,
            # in narrower boxes whose labels break sooner.
            pair = len(step) > 1
            width = 140 if pair else 300
            tall_lines = label_lines(title, PAIR_LABEL_WIDTH) if pair else lines
            ladder.tall.append(
                LadderBox(
                    url,
                    title,
                    tall_lines,
                    place * (width + 20),
                    (last - index) * 84,
                    width,
                    56,
                    top,
                )
            )
    return ladder


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponseBase:
    public = Posting.objects.public()
    tally = facets.open_jobs(public)

    # The flagship roles, then those with the most open jobs, then by title.
    roles = list(Role.objects.published().only("title", "slug", "abbreviation", "brief_answer"))
    roles.sort(
        key=lambda role: (
            FLAGSHIP_SLUGS.index(role.slug) if role.slug in FLAGSHIP_SLUGS else len(FLAGSHIP_SLUGS),
            -tally.count("role", role.pk),
            role.title,
            role.pk,
        )
    )
    featured_roles = roles[:FEATURED_ROLE_COUNT]
    for role in featured_roles:
        role.open_postings = tally.count("role", role.pk)
        role.open_postings_text = tally.figure(role.open_postings)
        role.is_flagship = role.slug in FLAGSHIP_SLUGS
    latest_postings = (
        public.newest_first()
        .select_related("organisation")
        .only(*RESULT_FIELDS)[:LATEST_POSTING_COUNT]
    )
    # Stored with the counts where they are stored.
    employers = tally.employers if tally.employers is not None else facets.employers_of(public)
    workplaces = [
        {
            "value": workplace.value,
            "label": workplace.label,
            "count_text": tally.figure(tally.count("workplace", workplace.value)),
        }
        for workplace in Workplace
    ]
    steps = ladder_steps({role.slug: role for role in roles})
    response = TemplateResponse(
        request,
        "postings/home.html",
        {
            "featured_roles": featured_roles,
            "latest_postings": latest_postings,
            "stats": {
                "jobs": tally.total,
                "jobs_text": tally.total_text,
                "employers": employers,
            },
            "workplaces": workplaces,
            "ladder": ladder_html(steps) if steps else "",
            "description": DESCRIPTION,
            "website": structured_data.website(search_path=reverse("postings:posting_list")),
            "organization": structured_data.organization(description=DESCRIPTION),
        },
    )
    return expires_with(response, latest_postings)
