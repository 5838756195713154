"""Keywords that name a filter: a workplace, a job type or a place typed into the search box.

    understand(text, given=..., known_places=..., has_postings=...)
        "COO London remote" → the words "COO", with the filters location=London and
        workplace=remote, and what was read, for the page to say so.

A workplace ("remote", "hybrid", "on-site", "work from home") or an employment type
("full-time", "part-time", "contract", "temporary", "internship") is read wherever it stands
among the bare words. A place is read only where no word typed is a role's (the search vocabulary
knows them, postings/vocabulary.py), so "Officer" (a town in Australia) stays a word of a
title, and where its name is an open posting's place (the vocabulary's place words), so
"Reading" is a place only while jobs are open there, and "München" and "NYC" are read as
the Munich and New York of the postings. Where a name has more than
one reading ("Georgia"), the first with open postings wins (`has_postings`).

Words that only say "a job" ("operations jobs") are never searched for, nor "in" before a
place. Only bare words are read: a "quoted phrase", an excluded -word and the words joined by `or`
are searched as typed. A filter the search already sets is not read again: with
`workplace=hybrid` in the address, "remote" in the box stays a word. One place at most.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from jobsite.text import fold
from postings import places, search
from postings.models import EmploymentType, SearchTerm, Workplace


@dataclass(frozen=True)
class Understanding:
    """The words left to search, and the filters read from the others."""

    query: str
    filters: dict[str, str] = field(default_factory=dict)


# What people type for each workplace and job type, folded (jobsite.text.fold).
FILTER_WORDS: dict[str, dict[str, str]] = {
    "workplace": {
        "remote": Workplace.REMOTE,
        "remotely": Workplace.REMOTE,
        "fully remote": Workplace.REMOTE,
        "work from home": Workplace.REMOTE,
        "working from home": Workplace.REMOTE,
        "wfh": Workplace.REMOTE,
        "hybrid": Workplace.HYBRID,
        "on site": Workplace.ON_SITE,
        "onsite": Workplace.ON_SITE,
        "in office": Workplace.ON_SITE,
        "office based": Workplace.ON_SITE,
    },
    "employment_type": {
        "full time": EmploymentType.FULL_TIME,
        "fulltime": EmploymentType.FULL_TIME,
        "part time": EmploymentType.PART_TIME,
        "parttime": EmploymentType.PART_TIME,
        "contract": EmploymentType.CONTRACT,
        "contractor": EmploymentType.CONTRACT,
        "freelance": EmploymentType.CONTRACT,
        "temporary": EmploymentType.TEMPORARY,
        "temp": EmploymentType.TEMPORARY,
        "internship": EmploymentType.INTERNSHIP,
        "intern": EmploymentType.INTERNSHIP,
    },
}
# Words that say "a job" on a site of nothing else: never searched for ("operations jobs").
FILLER = frozenset({"job", "jobs", "vacancy", "vacancies", "opening", "openings"})
# Words before a place that belong with it ("jobs in Dublin").
PLACE_PREPOSITIONS = frozenset({"in", "near", "around"})
LONGEST_FILTER_PHRASE = 3
LONGEST_PLACE = 3
# The readings of an ambiguous name asked about, each a query: the likeliest few.
AMBIGUOUS_READINGS = 2


@dataclass
class Token:
    text: str
    # Searched as typed: a phrase, an excluded word, `or` and the words it joins.
    as_typed: bool
    folded: str = ""
    taken: bool = False


def understand(
    text: str,
    *,
    given: Collection[str] = (),
    kinds_of: Callable[[Collection[str]], Mapping[str, int]],
    has_postings: Callable[[places.Place], bool],
) -> Understanding:
    """Read the filters `text` names; `given` are the parameters the search already sets.
    `kinds_of(words)` gives the vocabulary's kind of each of these folded words it holds
    (SearchTerm.Kind); it is asked once, only when some words could name a place."""
    tokens = tokenise(text)
    filters: dict[str, str] = {}
    for name, words in FILTER_WORDS.items():
        if name not in given:
            value = take_phrase(tokens, words, LONGEST_FILTER_PHRASE)
            if value is not None:
                filters[name] = value
    if not {"location", "country"} & set(given):
        place = take_place(tokens, kinds_of, has_postings)
        if place is not None:
            filters.update(place.parameters)
    for token in tokens:
        token.taken = token.taken or token.folded in FILLER
    left = " ".join(token.text for token in tokens if not token.taken)
    return Understanding(left, filters)


def tokenise(text: str) -> list[Token]:
    tokens = [Token(match.group(), as_typed=False) for match in search.QUERY_TOKEN.finditer(text)]
    for number, token in enumerate(tokens):
        joined = any(
            0 <= other < len(tokens) and tokens[other].text.lower() == "or"
            for other in (number - 1, number, number + 1)
        )
        token.as_typed = joined or token.text.startswith(('"', "-"))
        token.folded = "" if token.as_typed else fold(token.text)
    return tokens


def runs(tokens: list[Token], longest: int) -> list[tuple[int, int]]:
    """(start, end) of every run of bare, untaken tokens up to `longest` long, longest
    first, then left to right."""
    found = []
    for length in range(longest, 0, -1):
        for start in range(len(tokens) - length + 1):
            run = tokens[start : start + length]
            if all(token.folded and not token.taken for token in run):
                found.append((start, start + length))
    return found


def take_phrase(tokens: list[Token], words: Mapping[str, str], longest: int) -> str | None:
    """The value of the first phrase of `words` among the tokens; its tokens are taken."""
    for start, end in runs(tokens, longest):
        value = words.get(" ".join(token.folded for token in tokens[start:end]))
        if value is not None:
            take(tokens, start, end)
            return value
    return None


def take_place(
    tokens: list[Token],
    kinds_of: Callable[[Collection[str]], Mapping[str, int]],
    has_postings: Callable[[places.Place], bool],
) -> places.Place | None:
    """The place the first run of tokens names (the longest first); its tokens are taken.
    A run counts if no word of it is a role's, and its place is an open posting's: the words
    of its name, or of the run, are place words of the vocabulary."""
    candidates = []
    for start, end in runs(tokens, LONGEST_PLACE):
        found = places.readings(" ".join(token.text for token in tokens[start:end]))
        if found:
            candidates.append((start, end, found))
    if not candidates:
        return None
    words = {word for token in tokens if token.folded for word in token.folded.split()}
    for _, _, found in candidates:
        words |= {word for place in found for word in name_words(place)}
    kinds = kinds_of(words)
    for start, end, found in candidates:
        typed = [word for token in tokens[start:end] for word in token.folded.split()]
        if any(kinds.get(word, SearchTerm.Kind.WORD) < SearchTerm.Kind.PLACE for word in typed):
            continue
        # As an open posting's place is written, or as the place is named ("München" and
        # "Munich" are one city, however the posting spells it).
        as_written = all(kinds.get(word) == SearchTerm.Kind.PLACE for word in typed)
        known = [
            place
            for place in found
            if as_written
            or all(kinds.get(word) == SearchTerm.Kind.PLACE for word in name_words(place))
        ]
        if len(known) > 1:
            # The likeliest reading with jobs based there: asked in order, until one has.
            known = [
                next(
                    (place for place in known[:AMBIGUOUS_READINGS] if has_postings(place)), known[0]
                )
            ]
        if known:
            before = tokens[start - 1] if start else None
            if before and not before.taken and before.folded in PLACE_PREPOSITIONS:
                start -= 1
            take(tokens, start, end)
            return known[0]
    return None


def name_words(place: places.Place) -> list[str]:
    """The folded words of a place's own name: "Boston, MA" is Boston's."""
    return fold(place.name.split(",")[0]).split()


def take(tokens: list[Token], start: int, end: int) -> None:
    for token in tokens[start:end]:
        token.taken = True
