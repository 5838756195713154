"""Full-text search documents for postings, kept current by the database (postings/search.py).

PostgreSQL: a weighted tsvector column with a GIN index, filled by a trigger on postings and
refreshed by statement triggers when a role's titles, abbreviation or alternate titles change.
SQLite: an FTS5 table with the same four weighted parts, kept in step by triggers.

The column and the FTS5 table are not model fields: the ORM never loads them. On SQLite,
Django rebuilds a table to alter some of its columns, which drops the triggers on it; a later
migration that does so to postings_posting, roles_role or roles_alternatetitle must create
this migration's triggers for that table again (tests/postings/test_search.py checks that
they are all there).
"""

from django.db import migrations


class RunSQLOn(migrations.RunSQL):
    """RunSQL for one database vendor; nothing on the others."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


POSTGRESQL_FORWARDS = [
    "ALTER TABLE postings_posting ADD COLUMN search_vector tsvector",
    # Title, role title and abbreviation A; alternate titles B; responsibilities and
    # qualifications C; description D.
    """
    CREATE FUNCTION postings_posting_document(
        p_title text, p_role_id bigint, p_details text, p_description text
    ) RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT
            setweight(to_tsvector('english', concat_ws(' ',
                p_title,
                (SELECT r.title FROM roles_role r WHERE r.id = p_role_id),
                (SELECT r.abbreviation FROM roles_role r WHERE r.id = p_role_id)
            )), 'A')
            || setweight(to_tsvector('english', coalesce(
                (SELECT string_agg(a.title, ' ' ORDER BY a.id)
                 FROM roles_alternatetitle a WHERE a.role_id = p_role_id), ''
            )), 'B')
            || setweight(to_tsvector('english', coalesce(p_details, '')), 'C')
            || setweight(to_tsvector('english', coalesce(p_description, '')), 'D')
    $$
    """,
    """
    CREATE FUNCTION postings_posting_index() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := postings_posting_document(
            NEW.title,
            NEW.role_id,
            concat_ws(' ', NEW.responsibilities, NEW.qualifications),
            NEW.description
        );
        RETURN NEW;
    END
    $$
    """,
    # Setting search_vector (to anything) asks this trigger to compute it again.
    """
    CREATE TRIGGER postings_posting_index
    BEFORE INSERT OR UPDATE OF
        title, role_id, responsibilities, qualifications, description, search_vector
    ON postings_posting
    FOR EACH ROW EXECUTE FUNCTION postings_posting_index()
    """,
    """
    CREATE FUNCTION postings_role_reindex() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE postings_posting SET search_vector = NULL WHERE role_id IN (
            SELECT new_row.id FROM changed_new new_row
            JOIN changed_old old_row ON old_row.id = new_row.id
            WHERE new_row.title IS DISTINCT FROM old_row.title
               OR new_row.abbreviation IS DISTINCT FROM old_row.abbreviation
        );
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER postings_role_reindex
    AFTER UPDATE ON roles_role
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION postings_role_reindex()
    """,
    """
    CREATE FUNCTION postings_alternatetitle_reindex() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE postings_posting SET search_vector = NULL
            WHERE role_id IN (SELECT role_id FROM changed_new);
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE postings_posting SET search_vector = NULL
            WHERE role_id IN (SELECT role_id FROM changed_old);
        ELSE
            UPDATE postings_posting SET search_vector = NULL WHERE role_id IN (
                SELECT role_id FROM changed_new UNION SELECT role_id FROM changed_old
            );
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER postings_alternatetitle_reindex_insert
    AFTER INSERT ON roles_alternatetitle
    REFERENCING NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION postings_alternatetitle_reindex()
    """,
    """
    CREATE TRIGGER postings_alternatetitle_reindex_update
    AFTER UPDATE ON roles_alternatetitle
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION postings_alternatetitle_reindex()
    """,
    """
    CREATE TRIGGER postings_alternatetitle_reindex_delete
    AFTER DELETE ON roles_alternatetitle
    REFERENCING OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION postings_alternatetitle_reindex()
    """,
    "UPDATE postings_posting SET search_vector = NULL",
    "CREATE INDEX postings_posting_search_vector ON postings_posting USING gin (search_vector)",
]

POSTGRESQL_BACKWARDS = [
    "DROP TRIGGER postings_alternatetitle_reindex_delete ON roles_alternatetitle",
    "DROP TRIGGER postings_alternatetitle_reindex_update ON roles_alternatetitle",
    "DROP TRIGGER postings_alternatetitle_reindex_insert ON roles_alternatetitle",
    "DROP FUNCTION postings_alternatetitle_reindex()",
    "DROP TRIGGER postings_role_reindex ON roles_role",
    "DROP FUNCTION postings_role_reindex()",
    "DROP TRIGGER postings_posting_index ON postings_posting",
    "DROP FUNCTION postings_posting_index()",
    "DROP FUNCTION postings_posting_document(text, bigint, text, text)",
    "ALTER TABLE postings_posting DROP COLUMN search_vector",
]


# On SQLite every trigger reads and writes only its own table and the two tables made here:
# Django rebuilds a table to alter some of its columns (new table, copy, drop, rename), and
# SQLite refuses that rename while a trigger elsewhere names the table. So a role's search
# text is copied into postings_role_search, and each FTS row keeps its role_id.
SQLITE_POSTING_ROW = """
    INSERT INTO postings_posting_fts(
        rowid, title, role_titles, alternate_titles, details, description, role_id
    ) VALUES (
        NEW.id,
        NEW.title,
        coalesce((SELECT titles FROM postings_role_search WHERE role_id = NEW.role_id), ''),
        coalesce(
            (SELECT alternate_titles FROM postings_role_search WHERE role_id = NEW.role_id), ''
        ),
        NEW.responsibilities || ' ' || NEW.qualifications,
        NEW.description,
        NEW.role_id
    );
"""


def sqlite_alternate_titles(role_id):
    """Statements that copy one role's alternate titles to the search tables."""
    return f"""
        UPDATE postings_role_search SET alternate_titles = coalesce(
            (SELECT group_concat(title, ' ') FROM roles_alternatetitle WHERE role_id = {role_id}),
            ''
        ) WHERE role_id = {role_id};
        UPDATE postings_posting_fts SET alternate_titles = (
            SELECT alternate_titles FROM postings_role_search WHERE role_id = {role_id}
        ) WHERE role_id = {role_id};
    """


SQLITE_FORWARDS = [
    """
    CREATE TABLE postings_role_search (
        role_id integer NOT NULL PRIMARY KEY,
        titles text NOT NULL,
        alternate_titles text NOT NULL
    )
    """,
    """
    INSERT INTO postings_role_search(role_id, titles, alternate_titles)
    SELECT r.id, r.title || ' ' || r.abbreviation, coalesce(
        (SELECT group_concat(a.title, ' ') FROM roles_alternatetitle a WHERE a.role_id = r.id),
        ''
    ) FROM roles_role r
    """,
    # Posting title and role titles A, alternate titles B, responsibilities and
    # qualifications C, description D: bm25 weights in the order the columns are declared.
    """
    CREATE VIRTUAL TABLE postings_posting_fts USING fts5(
        title, role_titles, alternate_titles, details, description, role_id UNINDEXED,
        tokenize = 'porter unicode61'
    )
    """,
    "INSERT INTO postings_posting_fts(postings_posting_fts, rank) "
    "VALUES ('rank', 'bm25(10.0, 10.0, 4.0, 2.0, 1.0, 0.0)')",
    """
    INSERT INTO postings_posting_fts(
        rowid, title, role_titles, alternate_titles, details, description, role_id
    )
    SELECT p.id, p.title, s.titles, s.alternate_titles,
           p.responsibilities || ' ' || p.qualifications, p.description, p.role_id
    FROM postings_posting p JOIN postings_role_search s ON s.role_id = p.role_id
    """,
    f"""
    CREATE TRIGGER postings_posting_fts_insert AFTER INSERT ON postings_posting
    BEGIN {SQLITE_POSTING_ROW} END
    """,
    f"""
    CREATE TRIGGER postings_posting_fts_update
    AFTER UPDATE OF title, role_id, responsibilities, qualifications, description
    ON postings_posting
    BEGIN
        DELETE FROM postings_posting_fts WHERE rowid = OLD.id;
        {SQLITE_POSTING_ROW}
    END
    """,
    """
    CREATE TRIGGER postings_posting_fts_delete AFTER DELETE ON postings_posting
    BEGIN DELETE FROM postings_posting_fts WHERE rowid = OLD.id; END
    """,
    """
    CREATE TRIGGER postings_role_search_insert AFTER INSERT ON roles_role
    BEGIN
        INSERT OR REPLACE INTO postings_role_search(role_id, titles, alternate_titles)
        VALUES (NEW.id, NEW.title || ' ' || NEW.abbreviation, '');
    END
    """,
    """
    CREATE TRIGGER postings_role_search_update AFTER UPDATE OF title, abbreviation ON roles_role
    WHEN OLD.title IS NOT NEW.title OR OLD.abbreviation IS NOT NEW.abbreviation
    BEGIN
        UPDATE postings_role_search SET titles = NEW.title || ' ' || NEW.abbreviation
        WHERE role_id = NEW.id;
        UPDATE postings_posting_fts SET role_titles = NEW.title || ' ' || NEW.abbreviation
        WHERE role_id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER postings_role_search_delete AFTER DELETE ON roles_role
    BEGIN DELETE FROM postings_role_search WHERE role_id = OLD.id; END
    """,
    f"""
    CREATE TRIGGER postings_alternatetitle_search_insert AFTER INSERT ON roles_alternatetitle
    BEGIN {sqlite_alternate_titles("NEW.role_id")} END
    """,
    f"""
    CREATE TRIGGER postings_alternatetitle_search_update AFTER UPDATE ON roles_alternatetitle
    BEGIN
        {sqlite_alternate_titles("OLD.role_id")}
        {sqlite_alternate_titles("NEW.role_id")}
    END
    """,
    f"""
    CREATE TRIGGER postings_alternatetitle_search_delete AFTER DELETE ON roles_alternatetitle
    BEGIN {sqlite_alternate_titles("OLD.role_id")} END
    """,
]

SQLITE_TRIGGERS = [
    "postings_alternatetitle_search_delete",
    "postings_alternatetitle_search_update",
    "postings_alternatetitle_search_insert",
    "postings_role_search_delete",
    "postings_role_search_update",
    "postings_role_search_insert",
    "postings_posting_fts_delete",
    "postings_posting_fts_update",
    "postings_posting_fts_insert",
]
SQLITE_BACKWARDS = [
    *(f"DROP TRIGGER {name}" for name in SQLITE_TRIGGERS),
    "DROP TABLE postings_posting_fts",
    "DROP TABLE postings_role_search",
]


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0001_initial"),
        ("roles", "0001_initial"),
    ]

    operations = [
        RunSQLOn("postgresql", POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
        RunSQLOn("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
    ]
