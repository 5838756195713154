"""The search document reads each part of a posting only up to its limit
(postings.models.POSTING_TEXT_LIMITS): title 150 characters, responsibilities and
qualifications 16,000 each, description 20,000.

The forms keep new text within the limits, but rows stored before them, or written to the
database directly, may hold more. Unbounded, one posting's text made the document as large
as the text: on PostgreSQL a 1.2 MB description failed to save at all (a tsvector holds at
most 1 MB; the error is an OperationalError, which the site answered as an outage), and on
both databases the document, its ranking and its excerpts cost time in proportion to it.
The public pages show the same text cut at the same limits, so search finds what they show.

The triggers of 0002 are replaced by bounded ones; the documents of the postings over a
limit are computed again, the others are the same either way. A later migration that
rebuilds postings_posting on SQLite must create this migration's triggers again, not 0002's.
"""

import importlib

from django.db import migrations

# The vendor-specific RunSQL of 0002 (a module name that cannot be imported by name).
RunSQLOn = importlib.import_module("postings.migrations.0002_search").RunSQLOn

# The limits as of this migration: a migration must not change with the model's constants.
TITLE, LIST, DESCRIPTION = 150, 16_000, 20_000

OVER_A_LIMIT = f"""
    length(title) > {TITLE} OR length(responsibilities) > {LIST}
    OR length(qualifications) > {LIST} OR length(description) > {DESCRIPTION}
"""


def postgresql_index_function(bounded: bool) -> str:
    def part(column: str, limit: int) -> str:
        return f"left(NEW.{column}, {limit})" if bounded else f"NEW.{column}"

    return f"""
    CREATE OR REPLACE FUNCTION postings_posting_index() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := postings_posting_document(
            {part("title", TITLE)},
            NEW.role_id,
            concat_ws(' ', {part("responsibilities", LIST)}, {part("qualifications", LIST)}),
            {part("description", DESCRIPTION)}
        );
        RETURN NEW;
    END
    $$
    """


POSTGRESQL_FORWARDS = [
    postgresql_index_function(bounded=True),
    # Setting search_vector (to anything) asks the trigger to compute it again.
    f"UPDATE postings_posting SET search_vector = NULL WHERE {OVER_A_LIMIT}",
]
POSTGRESQL_BACKWARDS = [postgresql_index_function(bounded=False)]


def sqlite_triggers(bounded: bool) -> list[str]:
    def part(column: str, limit: int) -> str:
        return f"substr(NEW.{column}, 1, {limit})" if bounded else f"NEW.{column}"

    row = f"""
        INSERT INTO postings_posting_fts(
            rowid, title, role_titles, alternate_titles, details, description, role_id
        ) VALUES (
            NEW.id,
            {part("title", TITLE)},
            coalesce((SELECT titles FROM postings_role_search WHERE role_id = NEW.role_id), ''),
            coalesce(
                (SELECT alternate_titles FROM postings_role_search WHERE role_id = NEW.role_id),
                ''
            ),
            {part("responsibilities", LIST)} || ' ' || {part("qualifications", LIST)},
            {part("description", DESCRIPTION)},
            NEW.role_id
        );
    """
    return [
        "DROP TRIGGER postings_posting_fts_insert",
        "DROP TRIGGER postings_posting_fts_update",
        f"""
        CREATE TRIGGER postings_posting_fts_insert AFTER INSERT ON postings_posting
        BEGIN {row} END
        """,
        f"""
        CREATE TRIGGER postings_posting_fts_update
        AFTER UPDATE OF title, role_id, responsibilities, qualifications, description
        ON postings_posting
        BEGIN
            DELETE FROM postings_posting_fts WHERE rowid = OLD.id;
            {row}
        END
        """,
    ]


SQLITE_FORWARDS = [
    *sqlite_triggers(bounded=True),
    # Updating a column, even to itself, runs the update trigger: the document is made again.
    f"UPDATE postings_posting SET description = description WHERE {OVER_A_LIMIT}",
]
SQLITE_BACKWARDS = sqlite_triggers(bounded=False)


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0007_posting_review"),
    ]

    operations = [
        RunSQLOn("postgresql", POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
        RunSQLOn("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
    ]
