"""The words the search knows (SearchTerm), against which postings/spelling.py corrects a
misspelt query: the roles' titles, alternate titles and abbreviations, the open postings'
places, and the words of several open postings' titles.

    rebuild(using)        the whole table afresh from the open postings and published roles;
                          `manage.py rebuild_vocabulary` (and seed_demo) run it
    note_places(postings) the places of postings just written, known from then on
    note_roles(using)     the roles' words, after a role or an alternate title is written

Writes add words as they happen, so a new posting's town or a new alternate title is known
at the next search; a word is never taken away by a write, since a closed posting's town may
still be another's. What time changes without a write (postings expiring) and the counts,
which only order the corrections, wait for the next rebuild: a word kept a little too long
is only a word the search does not correct.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from functools import partial

from django.db import connections, transaction
from django.db.models import Model

from jobsite import caching
from jobsite.text import fold
from postings.display import country_name
from postings.models import EmploymentType, Posting, SearchTerm, Workplace
from roles.models import AlternateTitle, Role

Kind = SearchTerm.Kind

# A word of the postings' titles is kept when this many open postings use it: fewer, and it
# may be a misspelling itself, which the search should correct rather than accept.
MIN_WORD_POSTINGS = 3
MAX_WORD_LENGTH = SearchTerm._meta.get_field("text").max_length or 40
UPSERT_BATCH = 500
# Words the search reads as a kind of job rather than text: known, never "corrected".
FILTER_WORDS = " ".join([*EmploymentType.labels, *Workplace.labels, "work from home"])


def words_of(text: str) -> list[str]:
    """The words of `text` the vocabulary holds: folded, letters only, two or more."""
    return [
        word for word in fold(text).split() if word.isalpha() and 2 <= len(word) <= MAX_WORD_LENGTH
    ]


def place_words(city: str, region: str, country: str) -> set[str]:
    return set(words_of(f"{city} {region} {country_name(country) if country else ''}"))


def role_words(using: str) -> dict[str, int]:
    """The published roles' words, each with the most trusted kind it has: two queries."""
    kinds: dict[str, int] = {}

    def add(text: str, kind: int) -> None:
        for word in words_of(text):
            kinds[word] = min(kinds.get(word, kind), kind)

    roles = Role.objects.using(using).published()
    for title, abbreviation in roles.values_list("title", "abbreviation"):
        add(title, Kind.ROLE_TITLE)
        add(abbreviation, Kind.ABBREVIATION)
    alternates = AlternateTitle.objects.using(using).filter(role__in=roles.values("pk"))
    for title in alternates.values_list("title", flat=True):
        add(title, Kind.ALTERNATE_TITLE)
    return kinds


def vocabulary(using: str) -> dict[str, tuple[int, int]]:
    """Every word the table should hold, with its kind and how many open postings use it
    (in the title or the place)."""
    counts: Counter[str] = Counter()
    places: set[str] = set()
    names: dict[str, str] = {}
    open_postings = Posting.objects.using(using).public().order_by()
    rows = open_postings.values_list("title", "city", "region", "country")
    for title, city, region, country in rows.iterator(chunk_size=2000):
        if country not in names:
            names[country] = country_name(country) if country else ""
        place = set(words_of(f"{city} {region} {names[country]}"))
        places |= place
        counts.update(set(words_of(title)) | place)
    kinds = role_words(using)
    for word in places:
        kinds[word] = min(kinds.get(word, Kind.PLACE), Kind.PLACE)
    for word, count in counts.items():
        if count >= MIN_WORD_POSTINGS:
            kinds.setdefault(word, Kind.WORD)
    for word in words_of(FILTER_WORDS):
        kinds.setdefault(word, Kind.WORD)
    return {word: (kind, counts[word]) for word, kind in kinds.items()}


def rebuild(using: str = "default") -> int:
    """Replace the table with the vocabulary of the open postings and published roles, and
    make the cached pages out of date if it changed (their corrections may). The number of
    words."""
    words = vocabulary(using)
    terms = SearchTerm.objects.using(using)
    with transaction.atomic(using=using):
        held = {
            text: (kind, postings)
            for text, kind, postings in terms.values_list("text", "kind", "postings")
        }
        if held != words:
            terms.all().delete()
            terms.bulk_create(
                [
                    SearchTerm(text=text, kind=kind, postings=postings)
                    for text, (kind, postings) in sorted(words.items())
                ],
                batch_size=UPSERT_BATCH,
            )
            caching.bump(using)
    return len(words)


def note_places(postings: Iterable[Posting], using: str) -> None:
    """Add the places of these postings (the published ones) to the vocabulary."""
    words: set[str] = set()
    for posting in postings:
        if posting.status == Posting.Status.PUBLISHED:
            words |= place_words(posting.city, posting.region, posting.country)
    upsert(dict.fromkeys(words, Kind.PLACE), using, postings=1)


def note_roles(using: str) -> None:
    """Add the published roles' words to the vocabulary."""
    upsert(role_words(using), using, postings=0)


def upsert(kinds: dict[str, int], using: str, *, postings: int) -> None:
    """Add these words with their kinds; a word already there keeps its count and takes
    the more trusted of the two kinds."""
    table = SearchTerm._meta.db_table
    for batch in batches(sorted(kinds.items()), UPSERT_BATCH):
        values = ", ".join(["(%s, %s, %s)"] * len(batch))
        params = [value for word, kind in batch for value in (word, kind, postings)]
        # The same statement on PostgreSQL and SQLite (3.24+).
        sql = (
            f"INSERT INTO {table} (text, kind, postings) VALUES {values} "  # noqa: S608 - fixed
            f"ON CONFLICT (text) DO UPDATE SET kind = excluded.kind "
            f"WHERE excluded.kind < {table}.kind"
        )
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)


def batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- Role writes: postings listens, since roles knows nothing of the search ---------------


def roles_written(sender: type[Model], *, using: str, **kwargs: object) -> None:
    """post_save of a role or an alternate title: its words are known at once, and once
    more when the transaction commits, for the parts written after the role (load_roles
    bulk-creates a new role's alternate titles after saving it)."""
    note_roles(using)
    pending = transaction.get_connection(using).run_on_commit
    if not any(getattr(callback, "notes_roles", False) for _, callback, _ in pending):
        callback = partial(note_roles, using)
        callback.notes_roles = True  # type: ignore[attr-defined]
        transaction.on_commit(callback, using=using)
