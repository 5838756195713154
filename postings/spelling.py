"""What a searcher meant: shorthand read as the words it stands for, misspelt words
corrected against the words the search knows.

    expand_shorthand(text, using)  "vp ops" → "vice president operations", from the roles'
                                   shorthand (roles.Shorthand, edited in the admin); None
                                   when the text holds none. One query.
    suggest(text, using)           "oprations director" → "operations director", from the
                                   vocabulary (postings.SearchTerm); None when every word is
                                   known or nothing is close. One query, none for a text
                                   with no word long enough to correct.
    read(text, using=, literal=, finds=)
                                   what the search page searches for and says: shorthand
                                   read; a correction searched instead when the words as
                                   typed find nothing (`finds`), else offered ("Did you
                                   mean"); with `literal`, the words as typed.

Each returns the text with only the changed words replaced: quotes, `or` and `-word` stay
as typed. Nothing is kept between calls: every answer comes from the database.

A word is corrected when it has at least MIN_CORRECTED letters, is not in the vocabulary
(nor is its singular), and a known word is within a Damerau-Levenshtein distance of 1 (2 for
words of seven letters or more). Candidates are the known words of about the same length
whose trigram similarity to the word is at least SIMILARITY (pg_trgm's `%`, answered by its
GIN index on PostgreSQL; computed the same way in Python on SQLite), CANDIDATES at most, the
most similar first. Two letters swapped in a word of five or six letters leave too few
trigrams in common ("lodnon" and "london" share 3 of 11), so such a word is also looked up
with each pair of its letters swapped back. Of the candidates the closest wins, then the
more similar, the more trusted kind (a role's title before a word of some posting's title),
the more used, and the first in alphabetical order: both databases correct alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connections
from rapidfuzz.distance import DamerauLevenshtein

from jobsite.text import fold
from postings.models import SearchTerm
from roles.models import Shorthand

MIN_CORRECTED = 5
# pg_trgm's own default for `%` (pg_trgm.similarity_threshold), which its index answers.
SIMILARITY = 0.3
# The known words considered for each spelling looked up: the most similar.
CANDIDATES = 20
# Words this long or shorter are also looked up with two letters swapped back.
SWAPPED_UP_TO = 6
# How many words of the right lengths SQLite reads for all of a query's words: a bound on
# the query, far above what a vocabulary of a few thousand words holds within two letters
# of a word's length.
SQLITE_CANDIDATES = 5000
# Words of a query looked at: a query holds at most 200 characters, the search reads 16 terms.
MAX_WORDS = 32
LONGEST_SHORTHAND = 3
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Change:
    typed: str
    meant: str


@dataclass(frozen=True)
class Suggestion:
    """A query reworded: its new text, and each span of the old that changed."""

    text: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Reading:
    """What the search page does with the keywords `typed`: it searches `query`, which is
    `typed` with its shorthand read (`expansion`) and, when the words as typed find
    nothing, its misspellings corrected (`correction`); a correction of words that do find
    postings is only offered (`suggestion`)."""

    typed: str
    query: str
    expansion: Suggestion | None = None
    correction: Suggestion | None = None
    suggestion: Suggestion | None = None

    @property
    def reworded(self) -> bool:
        """The search is not of the words as typed: the page says so, and links to them."""
        return self.query != self.typed


class Token(NamedTuple):
    start: int
    end: int
    folded: str


class Candidate(NamedTuple):
    text: str
    kind: int
    postings: int


def tokens(text: str) -> list[Token]:
    """The words of `text`, where they are, and folded; those that fold to nothing left out."""
    found = [Token(m.start(), m.end(), fold(m.group())) for m in WORD.finditer(text)]
    return [token for token in found if token.folded][:MAX_WORDS]


def reworded(text: str, replacements: list[tuple[Token, Token, str]]) -> Suggestion:
    """`text` with each span from the first token to the second replaced, in order."""
    pieces, changes, last = [], [], 0
    for first, final, meant in replacements:
        pieces += [text[last : first.start], meant]
        changes.append(Change(text[first.start : final.end], meant))
        last = final.end
    pieces.append(text[last:])
    return Suggestion("".join(pieces), tuple(changes))


# -- Shorthand --------------------------------------------------------------------------


def expand_shorthand(text: str, using: str = "default") -> Suggestion | None:
    """`text` with its shorthand ("ops", "vp", "head of") replaced by what it stands for,
    the longest run of words first; None when it holds none."""
    words = tokens(text)
    runs = {
        " ".join(token.folded for token in words[start : start + size])
        for start in range(len(words))
        for size in range(1, LONGEST_SHORTHAND + 1)
        if start + size <= len(words)
    }
    if not runs:
        return None
    meanings = dict(Shorthand.objects.using(using).for_words(runs).values_list("term", "meaning"))
    if not meanings:
        return None
    replacements, position = [], 0
    while position < len(words):
        for size in range(LONGEST_SHORTHAND, 0, -1):
            run = words[position : position + size]
            term = " ".join(token.folded for token in run)
            if len(run) == size and term in meanings:
                replacements.append((run[0], run[-1], meanings[term]))
                position += size
                break
        else:
            position += 1
    return reworded(text, replacements)


# -- Misspellings ---------------------------------------------------------------------------


def correctable(word: str) -> bool:
    return len(word) >= MIN_CORRECTED and word.isalpha() and word != "or"


def suggest(text: str, using: str = "default", *, keep: Collection[str] = ()) -> Suggestion | None:
    """`text` with each misspelt word replaced by the known word meant; None when every
    word is known or has no known word close to it. Words in `keep` are left alone."""
    words = [
        token for token in tokens(text) if correctable(token.folded) and token.folded not in keep
    ]
    if not words:
        return None
    probes = {word: lookups(word) for word in sorted({token.folded for token in words})}
    found = backend(using).candidates(sorted({probe for each in probes.values() for probe in each}))
    fixes = {
        word: meant
        for word, each in probes.items()
        if (meant := correction(word, [row for probe in each for row in found.get(probe, [])]))
    }
    if not fixes:
        return None
    return reworded(
        text, [(token, token, fixes[token.folded]) for token in words if token.folded in fixes]
    )


def lookups(word: str) -> list[str]:
    """The spellings to look a word up by: itself and, for a short word, each with a pair
    of neighbouring letters swapped."""
    if len(word) > SWAPPED_UP_TO:
        return [word]
    swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
    return list(dict.fromkeys([word, *swaps]))


def correction(word: str, candidates: list[Candidate]) -> str:
    """The known word `word` was meant to be; "" when it is known itself or none is close."""
    known = {candidate.text for candidate in candidates}
    if word in known or word.removesuffix("s") in known or word.removesuffix("es") in known:
        return ""
    allowed = 1 if len(word) < 7 else 2
    ranked = sorted(
        {
            (
                DamerauLevenshtein.distance(word, candidate.text),
                -similarity(word, candidate.text),
                candidate.kind,
                -candidate.postings,
                candidate.text,
            )
            for candidate in candidates
        }
    )
    return ranked[0][-1] if ranked and ranked[0][0] <= allowed else ""


def trigrams(word: str) -> set[str]:
    """A word's trigrams as pg_trgm makes them: padded with two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(first: str, second: str) -> float:
    """pg_trgm's similarity(): the trigrams the two words share, over those of either."""
    ours, theirs = trigrams(first), trigrams(second)
    shared = len(ours & theirs)
    return shared / (len(ours) + len(theirs) - shared)


def backend(using: str) -> PostgresVocabulary | SqliteVocabulary:
    vendor = connections[using].vendor
    try:
        return VOCABULARIES[vendor](using)
    except KeyError:
        raise NotImplementedError(f"No vocabulary search for the {vendor} database.") from None


class PostgresVocabulary:
    """pg_trgm: the GIN trigram index on the words (migration 0015) finds those similar to
    each spelling; one query for all of them, CANDIDATES each."""

    def __init__(self, using: str) -> None:
        self.using = using

    def candidates(self, spellings: list[str]) -> dict[str, list[Candidate]]:
        table = SearchTerm._meta.db_table
        # `%%` is pg_trgm's similarity operator, at pg_trgm.similarity_threshold (0.3 unless
        # the server says otherwise), which the trigram index answers. `"length" + 0` keeps
        # the planner off the index on the length (SQLite's), which it would otherwise take
        # for a few rows, and read a fifth of the words: 59 ms against 6 among 60,000.
        sql = f"""
            SELECT spelling, t.text, t.kind, t.postings
            FROM unnest(%s::text[]) AS q(spelling)
            CROSS JOIN LATERAL (
                SELECT text, kind, postings FROM {table}
                WHERE text %% spelling
                    AND similarity(text, spelling) >= %s
                    AND "length" + 0 BETWEEN char_length(spelling) - 2
                        AND char_length(spelling) + 2
                ORDER BY similarity(text, spelling) DESC, postings DESC, text
                LIMIT %s
            ) AS t
        """  # noqa: S608 - the table's name is fixed; the words are parameters
        found: dict[str, list[Candidate]] = {}
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [spellings, SIMILARITY, CANDIDATES])
            for spelling, *candidate in cursor.fetchall():
                found.setdefault(spelling, []).append(Candidate(*candidate))
        return found


class SqliteVocabulary:
    """The known words within two letters of the spellings' lengths, through the index on
    (length, text); their trigram similarity computed here as pg_trgm computes it."""

    def __init__(self, using: str) -> None:
        self.using = using

    def candidates(self, spellings: list[str]) -> dict[str, list[Candidate]]:
        lengths = [len(spelling) for spelling in spellings]
        rows = [
            Candidate(*row)
            for row in SearchTerm.objects.using(self.using)
            .filter(length__range=(min(lengths) - 2, max(lengths) + 2))
            .order_by("length", "text")
            .values_list("text", "kind", "postings")[:SQLITE_CANDIDATES]
        ]
        found = {}
        for spelling in spellings:
            scored = [
                (-score, -row.postings, row.text, row)
                for row in rows
                if abs(len(row.text) - len(spelling)) <= 2
                and (score := similarity(spelling, row.text)) >= SIMILARITY
            ]
            found[spelling] = [row for *_, row in sorted(scored)[:CANDIDATES]]
        return found


VOCABULARIES: dict[str, type[PostgresVocabulary | SqliteVocabulary]] = {
    "postgresql": PostgresVocabulary,
    "sqlite": SqliteVocabulary,
}


# -- The search page's reading ------------------------------------------------------------


def read(
    text: str, *, using: str = "default", literal: bool = False, finds: Callable[[str], bool]
) -> Reading:
    """What to search for the keywords `text`, and what to say about it. `finds(query)`
    tells whether a query finds any posting (with the search's other filters): it is asked
    only when a correction is at hand, about the words as typed (shorthand read)."""
    if not text:
        return Reading(text, text)
    if literal:
        return Reading(text, text, suggestion=suggest(text, using))
    expansion = expand_shorthand(text, using)
    expanded = expansion.text if expansion else text
    meant = {
        word
        for change in (expansion.changes if expansion else ())
        for word in fold(change.meant).split()
    }
    fix = suggest(expanded, using, keep=meant)
    if fix is None:
        return Reading(text, expanded, expansion)
    if finds(expanded):
        return Reading(text, expanded, expansion, suggestion=fix)
    return Reading(text, fix.text, expansion, correction=fix)
