"""Two gunicorn instances on one database and one cache: is an edit made through one seen on
the other at the next request?

    make coherence                       # or: .venv/bin/python bench/coherence.py --help

Two setups, one after the other (`--setup` picks one): `production`, PostgreSQL and Redis;
and `default`, a fresh clone's: a SQLite file (bench/out/coherence.sqlite3) and the default
cache (no CACHE_URL). For each:

1. makes the database (`rel_coherence` on PostgreSQL) if it is missing (migrated, the cache
   table made, roles loaded, a hundred demo postings) and a staff account to edit with;
2. starts instance A and instance B on two ports, on the same cache (with Redis, db 11 by
   default, emptied first);
3. warms both caches: an explainer and a posting page, twice from each instance;
4. proves the page cache is really answering: changes the role's text behind the site's back
   (an UPDATE in SQL, which nothing in the site hears of) and checks that B still shows the
   cached page;
5. logs in to the admin on A and saves the role's change form and the posting's change form
   there, as an editor would, with new text;
6. fetches both pages from B (and A) once: the new text must be there at once.

It prints every request it made and what it saw, and passes (exit status 0) when B showed
both edits at its next request, in every setup run.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadtest import (
    HOST,
    ROOT,
    clear_cache,
    manage,
    query,
    site_env,
    start_gunicorn,
    stop_gunicorn,
)

STAFF_USERNAME = "coherence-editor"
ROLE_SLUG = "chief-operating-officer"


# --- A small browser for the admin -------------------------------------------------------


class FormParser(HTMLParser):
    """The fields of one form, as a browser would submit them."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_values: list[str] = []
        self._select_first: str | None = None
        self._option_value: str | None = None
        self._option_selected = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append((name, attributes.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_values, self._select_first = name, [], None
        elif tag == "option" and self._select is not None:
            self._option_value = attributes.get("value")
            self._option_selected = "selected" in attributes
            self._text = []
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None or self._option_value is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "option" and self._select is not None:
            value = self._option_value
            if value is None:
                value = "".join(self._text).strip()
            if self._select_first is None:
                self._select_first = value
            if self._option_selected:
                self._select_values.append(value)
            self._option_value = None
        elif tag == "select" and self._select is not None:
            values = self._select_values
            self.fields += [(self._select, value) for value in values]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A newline right after <textarea> is not part of the value.
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


class Browser:
    """Cookies, CSRF and forms for one instance, over urllib; never follows redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, port: int) -> None:
        self.base = f"http://{HOST}:{port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self.NoRedirect()
        )

    def request(self, path: str, data: list[tuple[str, str]] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - our own
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def form(self, path: str, form_id: str) -> list[tuple[str, str]]:
        status, html = self.request(path)
        if status != 200:
            sys.exit(f"GET {path} on {self.base}: {status}")
        parser = FormParser(form_id)
        parser.feed(html)
        if not parser.fields:
            sys.exit(f"No form #{form_id} at {path}")
        return parser.fields

    def log_in(self, username: str, password: str) -> None:
        fields = self.form("/admin/login/", "login-form")
        data = [(name, value) for name, value in fields if name not in ("username", "password")]
        data += [("username", username), ("password", password), ("next", "/admin/")]
        status, _ = self.request("/admin/login/", data)
        if status != 302:
            sys.exit(f"Admin login on {self.base} failed ({status}).")

    def save_change_form(self, path: str, form_id: str, changes: dict[str, str]) -> int:
        fields = self.form(path, form_id)
        data = [(name, value) for name, value in fields if name not in changes]
        data += [*changes.items(), ("_save", "Save")]
        status, html = self.request(path, data)
        if status != 302:
            errors = [line.strip() for line in html.splitlines() if "errorlist" in line][:5]
            print(f"  the admin did not save {path}: {status} {errors}")
        return status


def anonymous_get(port: int, path: str) -> tuple[int, str, str]:
    """A visitor with no cookies: the requests the page cache answers."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        response = connection.getresponse()
        return response.status, response.read().decode(), response.getheader("ETag") or ""
    finally:
        connection.close()


# --- The run -----------------------------------------------------------------------------


def prepare(args: argparse.Namespace, env: dict[str, str], password: str) -> tuple[int, int, str]:
    if args.setup == "production":
        from psycopg import sql

        exists = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not query(args, "postgres", exists, args.database):
            create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database))
            query(args, "postgres", create)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "createcachetable")
    manage(env, "load_roles")
    manage(env, "seed_demo", "--postings", "100", "--seed", "1")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"u, _ = get_user_model().objects.get_or_create(username={STAFF_USERNAME!r}); "
        "u.is_staff = u.is_superuser = True; "
        f"u.set_password({password!r}); u.save()",
    )
    found = manage(
        env,
        "shell",
        "-c",
        "from roles.models import Role; from postings.models import Posting; "
        f"role = Role.objects.get(slug={ROLE_SLUG!r}); "
        "posting = Posting.objects.public().filter(role=role).order_by('pk').first(); "
        "print(role.pk, posting.pk if posting else 0, posting.slug if posting else '-')",
    )
    role_id, posting_id, posting_slug = found.split()[-3:]
    if posting_id == "0":
        sys.exit("No open posting for the role: seed_demo made none?")
    return int(role_id), int(posting_id), posting_slug


HIDDEN_EDIT = "UPDATE roles_role SET brief_answer = %s || brief_answer WHERE id = %s"


def change_behind_the_sites_back(env: dict[str, str], role_id: int, text: str) -> None:
    """An UPDATE in SQL: the row changes and nothing in the site hears of it (the querysets'
    own update() invalidates the pages), so no version bump."""
    manage(
        env,
        "shell",
        "-c",
        "from django.db import connection; "
        f"connection.cursor().execute({HIDDEN_EDIT!r}, [{text + ' '!r}, {role_id}])",
    )


def show(label: str, port: int, path: str, expect: str | None = None) -> bool:
    status, html, etag = anonymous_get(port, path)
    found = expect is not None and expect in html
    note = "" if expect is None else (f"shows “{expect}”" if found else f"no “{expect}”")
    print(f"  {label:<2} :{port} GET {path:<58} {status} ETag {etag[:14]:<14} {note}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", choices=["both", *SETUPS], default="both")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="rel_coherence")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--sqlite", default=str(ROOT / "bench" / "out" / "coherence.sqlite3"))
    parser.add_argument("--ports", type=int, nargs=2, default=[8402, 8403])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--log", default="/dev/null", help="Where gunicorn's log goes.")
    args = parser.parse_args(argv)
    chosen = list(SETUPS) if args.setup == "both" else [args.setup]
    results = {}
    for setup in chosen:
        print(f"\n== {setup}: {SETUPS[setup]}", flush=True)
        results[setup] = run_setup(argparse.Namespace(**{**vars(args), "setup": setup}))
    print("\n" + ", ".join(f"{setup}: {'PASS' if ok else 'FAIL'}" for setup, ok in results.items()))
    return 0 if all(results.values()) else 1


SETUPS = {
    "production": "PostgreSQL and Redis",
    "default": "a SQLite file and the default cache (no CACHE_URL), as `make run` has them",
}


def run_setup(args: argparse.Namespace) -> bool:
    password = secrets.token_urlsafe(16)
    # One environment for both instances: they share its secret, which signs the admin's
    # session.
    env = site_env(args)
    if args.setup == "default":
        Path(args.sqlite).parent.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{args.sqlite}"
        env.pop("CACHE_URL")
        args.cache_url = "the default cache"
    print("Preparing the database…", flush=True)
    role_id, posting_id, posting_slug = prepare(args, env, password)
    explainer, posting_page = f"/roles/{ROLE_SLUG}/", f"/jobs/{posting_slug}/"
    clear_cache(args)
    port_a, port_b = args.ports
    servers = []
    try:
        for port in (port_a, port_b):
            servers.append(start_gunicorn(args, env, port))
        print(f"Instance A on :{port_a}, instance B on :{port_b}, cache {args.cache_url}")

        print("1. Warm both caches")
        for label, port in (("A", port_a), ("B", port_b)):
            for _ in range(2):
                show(label, port, explainer)
                show(label, port, posting_page)

        print("2. Change the role behind the site's back (SQL, no signal): B keeps its page")
        hidden = f"Hidden edit {secrets.token_hex(3)}"
        change_behind_the_sites_back(env, role_id, hidden)
        cached = not show("B", port_b, explainer, expect=hidden)
        print(
            "  → B answered from the cache"
            if cached
            else "  → B rendered afresh: the page cache is not in use, so this run proves less"
        )

        stamp = secrets.token_hex(3)
        new_brief = f"Edited through instance A {stamp}: runs the business day to day."
        new_title = f"Chief Operating Officer {stamp}"
        print("3. Edit through A's admin: the role's brief answer, then the posting's title")
        editor = Browser(port_a)
        editor.log_in(STAFF_USERNAME, password)
        role_saved = editor.save_change_form(
            f"/admin/roles/role/{role_id}/change/", "role_form", {"brief_answer": new_brief}
        )
        posting_saved = editor.save_change_form(
            f"/admin/postings/posting/{posting_id}/change/", "posting_form", {"title": new_title}
        )
        print(f"  role form → {role_saved}, posting form → {posting_saved} (302 = saved)")

        print("4. The next request to each instance")
        b_role = show("B", port_b, explainer, expect=stamp)
        b_posting = show("B", port_b, posting_page, expect=new_title)
        a_role = show("A", port_a, explainer, expect=stamp)
        a_posting = show("A", port_a, posting_page, expect=new_title)
    finally:
        for server in servers:
            stop_gunicorn(server)
        clear_cache(args)

    passed = role_saved == 302 and posting_saved == 302 and b_role and b_posting
    print(
        f"\nB showed the role edit: {'yes' if b_role else 'NO'}; the posting edit: "
        f"{'yes' if b_posting else 'NO'}. A: {'yes' if a_role else 'NO'}, "
        f"{'yes' if a_posting else 'NO'}. Cache in play before the edit: "
        f"{'yes' if cached else 'no'}."
    )
    print("PASS" if passed else "FAIL")
    return passed


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
