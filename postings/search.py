"""Full-text search over postings: one interface, a backend per database.

    matching(postings, text)  the postings that match, in their current order
    matching(postings, text, indexed=False)
                              the same, tested posting by posting rather than looked up in
                              the index: cheaper for a small sample (postings/filters.py)
    narrowed(postings, text)  the same, for a query whose other filters or order narrow it
                              well: the database may start from its other indexes
    ranked(postings, text, window=N, favoured=Q(...))
                              the same, annotated with `search_rank` (higher is better);
                              with a window, only the N newest matches, ranked; the
                              favoured matches (a role the words name) first
    ranked(postings, text, ..., within=places.location_parts(location))
                              the same within a place, each part of it walked through
                              the index on its key
    sought(text)              the words a query asks for, without those it excludes
    snippets(postings, text)  {pk: highlighted excerpt of the description}, for one page

PostgreSQL keeps a weighted tsvector in `postings_posting.search_vector`, and SQLite an FTS5
table `postings_posting_fts`; triggers in both databases keep them current when a posting or
its role's titles change (migration 0002_search). The column is not a model field on
purpose: no query that loads postings ever carries the document along.

Weights, the same on both: the posting's title with the role's title and abbreviation (A),
the role's alternate titles (B), responsibilities and qualifications (C), description (D).
So "COO" finds Chief Operating Officer postings that never say COO, and "operations
director" finds Director of Operations postings through the role's alternate titles.

The rank, higher first: the favoured postings (2), then a match of the words as one phrase
in the title, the posting's or its role's (1), then the database's rank of the whole
document squeezed below 1 (r / (r + 1)). So "chief operating officer" puts postings titled
so above a Chief Marketing Officer whose alternate title "Chief Brand Officer" holds the
same words scattered, and the role a query names comes first whatever its words.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from functools import reduce
from typing import TYPE_CHECKING, cast

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from postings.models import PostingQuerySet
    from postings.places import PlacePart

MAX_QUERY_LENGTH = 200
MAX_TERMS = 16
SNIPPET_WORDS = 30
# Marks around the matched words in a snippet. Unlikely in a description; the text is
# escaped first and only whole pairs become <mark>, so a stray one is harmless.
MARK_START, MARK_END = "\u27e6", "\u27e7"
MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
# Markdown punctuation that reads as noise in a plain-text excerpt.
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKDOWN_NOISE = re.compile(r"[*_`]+|^\s*(?:[-+>]|#{1,6})\s+", re.MULTILINE)
NEWEST_FIRST = ("-published_at", "-pk")
# The favoured's own window, as a share of the window: enough for the first pages of a
# search to be theirs, at a fifth of the cost of ranking a second window.
FAVOURED_SHARE = 5
# The tiers of `search_rank` above the database's rank, which is squeezed below 1.
FAVOURED_BONUS = 2.0
TITLE_PHRASE_BONUS = 1.0


def clean_query(text: str | None) -> str:
    """What a visitor typed, made safe to search for: no NULs, single spaces, capped length."""
    text = (text or "").replace("\x00", "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def matching(postings: PostingQuerySet, text: str, *, indexed: bool = True) -> PostingQuerySet:
    """The postings that match `text`; all of them when it holds nothing to search for.

    `indexed=False` keeps the database from answering through the full-text index: the
    index lists every match of a common word (tens of thousands), where a sample of a few
    thousand postings is cheaper to test one by one."""
    text = clean_query(text)
    return backend(postings.db).matching(postings, text, indexed=indexed) if text else postings


def ranked(
    postings: PostingQuerySet,
    text: str,
    *,
    window: int | None = None,
    favoured: Q | None = None,
    common: bool = False,
    favoured_common: bool = False,
    within: Sequence[PlacePart] = (),
) -> PostingQuerySet:
    """The matching postings annotated with `search_rank`, higher for a better match, the
    `favoured` ones (a role the words name) above the rest.

    With a `window`, only the `window` newest matches, ranked among themselves, and the
    matches among the `window` newest favoured postings besides. A ranking function reads a
    match's whole document, so ranking every match of a common word costs time in
    proportion to the postings; the newest matches are found by walking the newest-first
    index, which a common word lets stop early and a rare word's few matches keep cheap.
    The best match of a word found in half the postings is then the best among the latest
    few hundred of them, which for job postings is what a searcher wants.

    A `common` search (many matches for the postings there are) walks the newest postings
    on every database; otherwise PostgreSQL chooses between the walk and the full-text index.

    `within`, the parts of a place (its city's key, its region's: places.location_parts),
    narrows the postings to the place. A search common among the place's postings
    (facets.Tally.walkable), and on SQLite any search in a place, walks each part's newest
    through the index on its key, and keeps the newest of them all: no one index lists a
    city and a region together in order, and PostgreSQL, left to choose, read every match
    of a common word ("COO", 180,000 of 1,000,000 postings) to keep the newest 500 in
    London (45 ms, against 5 walking London's newest).

    The favoured are looked up apart, so that a role whose words are common ("head of
    operations") is not lost among the newest matches of other roles: its newest postings
    by its own index, each then tested. Nearly all of them match the words that name the
    role, which the database cannot know: left to choose, PostgreSQL read every match of
    the words and every posting of the role to intersect them (87 ms at 100,000 postings,
    against 2 ms walking the role's newest), and walking until enough matched would read
    them all when few do ("COO London"). In a place where the favoured are common
    (`favoured_common`), their newest are found walking the place's newest instead, each
    posting's role tested: the role's index and the place's each list tens of thousands
    of postings at 1,000,000, which PostgreSQL read to intersect (28 ms for the Chief
    Operating Officers in London, against 2 walking London's newest).
    """
    text = clean_query(text)
    in_place = (
        postings.filter(reduce(operator.or_, (part.q for part in within))) if within else postings
    )
    if not text:
        return unranked(in_place)
    engine = backend(postings.db)
    if window:
        everyone = postings.model._default_manager.using(postings.db)
        if within and (common or engine.walks_each_place):
            newest = walked(matching(postings, text, indexed=False), within, window)
        else:
            # A `common` search's matches are dense among the newest postings: walk them,
            # testing each, whatever the database would choose.
            found = matching(in_place, text, indexed=False) if common else narrowed(in_place, text)
            newest = found.order_by(*NEWEST_FIRST).values("pk")[:window]
        parts = [newest]
        if favoured is not None:
            share = favoured_window(window)
            if favoured_common and within:
                theirs = walked(postings.filter(tested_each(favoured)), within, share)
            else:
                theirs = in_place.filter(favoured).order_by(*NEWEST_FIRST).values("pk")[:share]
            tested = matching(everyone.filter(pk__in=theirs), text, indexed=False)
            parts.append(tested.order_by().values("pk"))
        return engine.rank_only(everyone.filter(engine.any_of(parts)), text, favoured)
    return engine.ranked(in_place, text, favoured)


def favoured_window(window: int) -> int:
    """How many of the favoured's newest postings a `window` of the newest matches adds."""
    return max(1, window // FAVOURED_SHARE)


def walked(postings: PostingQuerySet, within: Sequence[PlacePart], limit: int) -> QuerySet:
    """The pks of the newest `limit` of `postings` in the place of `within`: each part's
    newest `limit`, walked through the index on its key, then the newest of them all. Each
    part queried from `postings` alone: with the other parts named beside it, a query is in
    no one index's order. A part's narrowing is tested on each posting: PostgreSQL, which
    cannot know that every Boston of a million postings is in Massachusetts, expected a few
    hundred there, and read and sorted all 27,000 rather than walk to the newest (300 ms,
    against 10)."""
    newest = postings.order_by(*NEWEST_FIRST).values("pk")
    walks = [
        newest.filter(part.key, tested_each(part.narrowing) if part.narrowing else Q())[:limit]
        for part in within
    ]
    if len(walks) == 1:
        return walks[0]
    everyone = postings.model._default_manager.using(postings.db)
    either = backend(postings.db).any_of(walks)
    return everyone.filter(either).order_by(*NEWEST_FIRST).values("pk")[:limit]


def tested_each(condition: Q) -> Q:
    """`condition`, tested on each posting a query reads rather than looked up in an index:
    no database reads a CASE from one."""
    test = Case(When(condition, then=Value(True)), default=Value(False))
    return Q(ExpressionWrapper(test, output_field=BooleanField()))


def narrowed(postings: PostingQuerySet, text: str) -> PostingQuerySet:
    """The postings that match `text`, where other filters or an order (the newest first)
    narrow the query well: the database may start from those indexes and test each posting
    against the matches, rather than start from every match of a common word."""
    text = clean_query(text)
    if not text:
        return postings
    return matching(postings, text, indexed=backend(postings.db).indexed_when_narrowed)


def sought(text: str) -> str:
    """The words and phrases a query asks for, without those it excludes (`-word`), its
    quotes or its `or`s: '"coo" -retail' asks for "coo", "coo or cfo" for "coo cfo"."""
    kept = []
    for match in QUERY_TOKEN.finditer(clean_query(text)):
        minus, phrase, bare = match.groups()
        if bare is None:
            kept.append("" if minus else phrase)
        elif not bare.startswith("-") and bare.lower() != "or":
            kept.append(bare)
    return " ".join(" ".join(kept).split())


def squeezed(rank: Expression) -> Expression:
    """A rank of 0 or more as a number from 0 to below 1, in the same order: 1 - 1 / (r + 1),
    which names the rank once, so that the database computes it once."""
    return Value(1.0) - Value(1.0) / (rank + Value(1.0))


def rank_tiers(rank: Expression, title_phrase: Expression, favoured: Q | None) -> Expression:
    """`search_rank`: the favoured first, then a phrase in the title, then the document's
    rank, squeezed below 1 so that the tiers stay apart."""
    bonus: Expression = Case(When(title_phrase, then=Value(TITLE_PHRASE_BONUS)), default=Value(0.0))
    if favoured is not None:
        bonus = bonus + Case(When(favoured, then=Value(FAVOURED_BONUS)), default=Value(0.0))
    return bonus + squeezed(rank)


def unranked(postings: PostingQuerySet) -> PostingQuerySet:
    """All the postings, each ranked alike: the answer to a query with nothing to search."""
    return postings.annotate(search_rank=Value(0.0, output_field=FloatField()))


def snippets(postings: Iterable, text: str, using: str = "default") -> dict[int, SafeString]:
    """Highlighted excerpts of the given postings' descriptions; one query, for one page."""
    text = clean_query(text)
    ids = [posting.pk for posting in postings]
    if not text or not ids:
        return {}
    raw = backend(using).raw_snippets(ids, text)
    return {pk: highlight(excerpt) for pk, excerpt in raw.items() if excerpt}


def highlight(excerpt: str) -> SafeString:
    """Escape an excerpt and turn the backend's marks into <mark> elements."""
    excerpt = MARKDOWN_NOISE.sub("", MARKDOWN_LINK.sub(r"\1", excerpt))
    html = MARKED.sub(r"<mark>\1</mark>", str(escape(" ".join(excerpt.split()))))
    return mark_safe(html.replace(MARK_START, "").replace(MARK_END, ""))  # noqa: S308


# The words of a query that a title may show: not an excluded one (-word) nor an operator.
QUERY_WORD = re.compile(r"(?<![\w-])(-?)(\w+)")
OPERATORS = {"or", "and", "not"}


def title_marker(text: str) -> Callable[[str], SafeString] | None:
    """For a page of results: a function that escapes a title and marks the words of `text`
    in it (a word marks those it begins: "operation" marks "Operations"), or None when the
    query holds no word to mark. Built once per page; each title costs one regex split."""
    words = {
        word.lower()
        for minus, word in QUERY_WORD.findall(clean_query(text))
        if not minus and len(word) > 1 and word.lower() not in OPERATORS
    }
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    pattern = re.compile(rf"\b((?:{alternatives})\w*)", re.IGNORECASE)

    def mark(title: str) -> SafeString:
        # Split the raw title, then escape each piece: no mark lands inside an entity.
        pieces = pattern.split(title)
        html = "".join(
            f"<mark>{escape(piece)}</mark>" if index % 2 else str(escape(piece))
            for index, piece in enumerate(pieces)
        )
        return mark_safe(html)  # noqa: S308 - every piece escaped above

    return mark


def backend(using: str) -> PostgresSearch | SqliteSearch:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return PostgresSearch(using)
    if vendor == "sqlite":
        return SqliteSearch(using)
    raise NotImplementedError(f"No posting search for the {vendor} database.")


class PostingDocument(Expression):
    """The posting's tsvector column, named through the query's own alias so that it stays
    right inside subqueries."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list]:
        alias = compiler.query.get_initial_alias()
        column = connection.ops.quote_name("search_vector")
        return f"{compiler.quote_name_unless_alias(alias)}.{column}", []


class PostgresSearch:
    config = "english"
    # A narrowed query: the planner weighs the full-text index against the others by the
    # words' frequencies, and may combine them (BitmapAnd).
    indexed_when_narrowed = True
    # A place's parts in one query: the planner merges their indexes, or starts from the
    # matches where they are few.
    walks_each_place = False

    def __init__(self, using: str) -> None:
        self.using = using

    def query(self, text: str) -> SearchQuery:
        # websearch_to_tsquery accepts anything a person types: quotes, or, -word.
        return SearchQuery(text, search_type="websearch", config=self.config)

    def matching(
        self, postings: PostingQuerySet, text: str, *, indexed: bool = True
    ) -> PostingQuerySet:
        if not indexed:
            # The function behind the @@ operator: the same test, which no index answers.
            test = Func(
                PostingDocument(),
                self.query(text),
                function="ts_match_vq",
                output_field=BooleanField(),
            )
            return postings.filter(test)
        return postings.alias(search_document=PostingDocument()).filter(
            search_document=self.query(text)
        )

    def ranked(
        self, postings: PostingQuerySet, text: str, favoured: Q | None = None
    ) -> PostingQuerySet:
        return self.rank_only(self.matching(postings, text), text, favoured)

    def rank_only(
        self, postings: PostingQuerySet, text: str, favoured: Q | None = None
    ) -> PostingQuerySet:
        """`search_rank` for postings known to match."""
        rank = SearchRank(PostingDocument(), self.query(text), cover_density=True)
        # The title's part of the document is weight A: the title, its role's title and
        # abbreviation.
        title_phrase: Expression = (
            Func(
                Func(PostingDocument(), Value("{a}"), function="ts_filter"),
                SearchQuery(" ".join(phrase), search_type="phrase", config=self.config),
                template="%(expressions)s",
                arg_joiner=" @@ ",
                output_field=BooleanField(),
            )
            if (phrase := title_phrase_words(text))
            else Value(False)
        )
        return postings.annotate(search_rank=rank_tiers(rank, title_phrase, favoured))

    def any_of(self, parts: list[QuerySet]) -> Q:
        """The postings whose pks one of `parts` (querysets of pks) lists. One list:
        `pk IN (a) OR pk IN (b)` would have PostgreSQL test every posting against both."""
        first, *rest = parts
        return Q(pk__in=first.union(*rest) if rest else first)

    def raw_snippets(self, ids: list[int], text: str) -> dict[int, str]:
        from postings.models import POSTING_TEXT_LIMITS, Posting

        # From the description as the page shows it: ts_headline reads the whole text it
        # is given, and words past the limit are neither shown nor in the search document.
        headline = SearchHeadline(
            Left("description", POSTING_TEXT_LIMITS["description"].length),
            self.query(text),
            config=self.config,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        rows = Posting.objects.using(self.using).filter(pk__in=ids).annotate(snippet=headline)
        return dict(rows.values_list("pk", "snippet"))


FTS_TABLE = "postings_posting_fts"
FTS_MATCH = "SELECT rowid FROM postings_posting_fts WHERE postings_posting_fts MATCH %s"
# The postings with a phrase in the title, listed once for the query: an FTS5 match for one
# row (MATCH with rowid = ...) reads the words' whole lists each time, 80 µs a row at 3,000
# postings and growing with them.
TITLE_PHRASE_MATCH = f"postings_posting.id IN ({FTS_MATCH})"
# Phrases in double quotes (an opening quote may be left unclosed), or bare words.
QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+")


def fts5_query(text: str) -> str:
    """A person's words as an FTS5 query that cannot fail to parse, shaped like PostgreSQL's
    websearch syntax: words must all match, "quoted phrases" match in order, `or` offers an
    alternative, `-word` excludes. Every term is quoted, so FTS5 operators, column filters
    and stray punctuation in the input are only ever text. "" when nothing is searchable."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    either = False
    for match in QUERY_TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare is not None:
            if bare.lower() == "or":
                either = bool(groups)
                continue
            if bare.startswith("-"):
                minus, bare = "-", bare[1:]
            words = WORD.findall(bare)
        else:
            words = WORD.findall(phrase)
        if not words:
            continue
        term = '"{}"'.format(" ".join(words))
        if minus:
            excluded.append(term)
        elif either:
            groups[-1].append(term)
        else:
            groups.append([term])
        either = False
        if len(groups) + len(excluded) >= MAX_TERMS:
            break
    if not groups:
        return ""
    query = " AND ".join("(" + " OR ".join(group) + ")" for group in groups)
    return query + "".join(f" NOT {term}" for term in excluded)


def title_phrase_words(text: str) -> list[str]:
    """The words sought, to find as one phrase in a title; none for a single word, which
    the title's weight already favours."""
    words = WORD.findall(sought(text))[:MAX_TERMS]
    return words if len(words) > 1 else []


def title_phrase_query(text: str) -> str:
    """An FTS5 query for the words sought as one phrase in the title or the role's titles,
    or "" for none. The words are \\w+ runs, so the quotes hold them safely."""
    words = title_phrase_words(text)
    return f'{{title role_titles}} : "{" ".join(words)}"' if words else ""


class SqliteSearch:
    # A narrowed query: walk the other index (the newest first, the filters' columns) and
    # test each posting against the list of matches. SQLite's planner would start from the
    # matches instead: for the newest 500 of a common word it fetched and sorted them all
    # (200 ms at 100,000 postings, 23 ms walking); for a rare combination of filters, 106 ms
    # against 31.
    indexed_when_narrowed = False
    # And so a search in a place walks each of its parts' newest through the index on its
    # key (`walked`): with the parts in one query, SQLite walked every posting's newest
    # testing each for the place, 44 ms at 100,000 postings for "COO" in London, against
    # 3 ms walking London's.
    walks_each_place = True

    def __init__(self, using: str) -> None:
        self.using = using

    def matching(
        self, postings: PostingQuerySet, text: str, *, indexed: bool = True
    ) -> PostingQuerySet:
        query = fts5_query(text)
        if not query:
            return postings
        # Fixed SQL; the query is a parameter. A subquery with no outer reference, so the
        # result nests in other queries.
        matches = RawSQL(FTS_MATCH, [query])  # noqa: S611
        if not indexed:
            # `+id` is SQLite's way to say "not through an index": the matches become a
            # list to check each posting against, rather than the rows to start from.
            plain_id = Func(F("id"), template="+%(expressions)s", output_field=IntegerField())
            return postings.alias(plain_id=plain_id).filter(plain_id__in=matches)
        return postings.filter(id__in=matches)

    def rank_only(
        self, postings: PostingQuerySet, text: str, favoured: Q | None = None
    ) -> PostingQuerySet:
        return self.ranked(postings, text, favoured)

    def ranked(
        self, postings: PostingQuerySet, text: str, favoured: Q | None = None
    ) -> PostingQuerySet:
        query = fts5_query(text)
        if not query:
            return unranked(postings)
        # A join, because bm25() only ranks inside the query that matches: as a correlated
        # subquery it re-scores the whole match set for every row (seconds at 100,000
        # postings, against milliseconds joined). The column weights are the table's
        # configured `rank` (bm25 10, 10, 4, 2, 1); negated so that higher is better, as on
        # PostgreSQL. Unlike `matching`, the result cannot be nested in a subquery.
        # extra() keeps the queryset's class; the stubs say only QuerySet.
        joined = postings.extra(  # noqa: S610 - fixed SQL; the query text is a parameter
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = postings_posting.id", f"{FTS_TABLE} MATCH %s"],
            params=[query],
        )
        rank = RawSQL(f"-{FTS_TABLE}.rank", [], output_field=FloatField())  # noqa: S611
        phrase = title_phrase_query(text)
        title_phrase: Expression = (
            RawSQL(TITLE_PHRASE_MATCH, [phrase], output_field=BooleanField())  # noqa: S611
            if phrase
            else Value(False)
        )
        return cast(
            "PostingQuerySet",
            joined.annotate(search_rank=rank_tiers(rank, title_phrase, favoured)),
        )

    def any_of(self, parts: list[QuerySet]) -> Q:
        """The postings whose pks one of `parts` (querysets of pks) lists. SQLite
        allows no LIMIT within a UNION, and looks each list up by the primary key."""
        either = Q()
        for part in parts:
            either |= Q(pk__in=part)
        return either

    def raw_snippets(self, ids: list[int], text: str) -> dict[int, str]:
        query = fts5_query(text)
        if not query:
            return {}
        # Column 4 is the description; the page's ids come as one JSON array parameter.
        sql = (
            "SELECT rowid, snippet(postings_posting_fts, 4, %s, %s, '…', %s) "
            "FROM postings_posting_fts WHERE postings_posting_fts MATCH %s "
            "AND rowid IN (SELECT value FROM json_each(%s))"
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [MARK_START, MARK_END, SNIPPET_WORDS, query, json.dumps(ids)])
            return dict(cursor.fetchall())
