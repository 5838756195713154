"""The foundation: settings from the environment, health, robots, error pages, base layout."""

import os
import subprocess
import sys
from http import HTTPStatus
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.factories import build_site
from tests.helpers import BASE_DIR, assert_security_headers, response_body

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-9f8e7d6c5b4a",
    "DJANGO_ALLOWED_HOSTS": "jobs.example.com",
    "DJANGO_HTTPS": "1",
    "SITE_URL": "https://jobs.example.com",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment and no .env file: only what the test passes counts.
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "SITE_URL"))
    }
    clean_env["DJANGO_ENV_FILE"] = os.devnull
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_site_refuses_to_start_in_production_without_a_secret_key():
    result = run_manage("check", env={"DJANGO_DEBUG": "0"})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = run_manage("check", env={"DJANGO_DEBUG": "1"})

    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_behind_tls_the_https_redirect_goes_to_the_configured_origin():
    script = "from django.conf import settings; print(settings.SECURE_SSL_HOST)"
    result = run_manage("shell", "--verbosity=0", "-c", script, env=PRODUCTION_ENV)

    assert result.stdout.strip() == "jobs.example.com", result.stderr


def test_database_url_selects_postgresql_with_persistent_checked_connections():
    script = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        script,
        env={"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://postgres@db.internal:5432/jobs"},
    )

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "jobs",
        "db.internal",
        "60",
        "True",
    ]


def test_cache_url_selects_redis():
    script = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        script,
        env={"DJANGO_DEBUG": "1", "CACHE_URL": "redis://127.0.0.1:6379/1"},
    )

    # Django's, with one client per connection pool (jobsite/redis_cache.py).
    assert result.stdout.strip() == "jobsite.redis_cache.RedisCache"


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch(
        "jobsite.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["database"] == "unavailable"


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /recruiters/" in body


def test_unknown_page_shows_the_friendly_404_inside_the_site_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    body = response.content.decode()
    assert "We can’t find that page" in body
    assert 'href="#main"' in body
    assert '<main id="main"' in body
    assert reverse("postings:posting_list") in body


def test_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert '<html lang="en">' in html


def test_home_page_says_what_the_site_is_and_has_the_base_layout(client):
    response = client.get("/")

    assert response.status_code == HTTPStatus.OK
    body = response.content.decode()
    assert "Know the role. Find the job." in body
    assert '<html lang="en">' in body
    assert '<link rel="canonical" href="http://testserver/">' in body
    assert '<meta name="description"' in body
    assert 'aria-label="Main"' in body
    for name in ("Roles", "Jobs", "For recruiters"):
        assert f">{name}</a>" in body
    assert "/static/css/site.css" in body


def test_every_response_carries_the_security_headers(client):
    response = client.get("/")

    # Plain HTTP: all but Strict-Transport-Security, which browsers heed over HTTPS only.
    assert_security_headers(response, https=False)


@pytest.mark.parametrize("path", ["/", "/roles/", "/jobs/", "/jobs/feed/rss/", "/healthz"])
def test_public_pages_answer_head_requests_for_crawlers_and_monitors(client, path):
    response = client.head(path)

    assert response.status_code == HTTPStatus.OK
    assert response.content == b""


def test_public_pages_refuse_posts(client):
    response = client.post("/jobs/", {"q": "COO"})

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_pages_answer_503_with_retry_after_while_the_database_is_down(client):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get("/roles/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "We’ll be back in a moment" in response.content.decode()


# --- Absolute URLs come from SITE_URL, never from the request's Host -------------------------

PUBLIC_ORIGIN = "https://jobs.example.com"
ORIGIN_PAGES = [
    "/",
    "/jobs/?q=COO&page=2",
    "/jobs/coo-region-1/",
    "/roles/",
    "/roles/chief-operating-officer/",
    "/roles/compare/director-of-operations-vs-chief-operating-officer/",
    "/jobs/feed/rss/?q=COO",
    "/jobs/feed/atom/",
    "/jobs/feed.xml",
    "/robots.txt",
]


@pytest.fixture
def public_origin(settings):
    """A configured origin unlike any host the requests below are sent to."""
    settings.SITE_URL = PUBLIC_ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", "other.example", "127.0.0.1"]
    return PUBLIC_ORIGIN


@pytest.mark.parametrize("path", ORIGIN_PAGES)
def test_absolute_urls_are_on_the_configured_origin_whatever_host_was_asked(
    client, public_origin, path
):
    build_site()

    for host in ("other.example", "127.0.0.1:9999"):
        response = client.get(path, headers={"Host": host})

        assert response.status_code == HTTPStatus.OK
        body = response_body(response).decode()
        assert public_origin in body
        assert host.split(":")[0] not in body
        assert "testserver" not in body
        assert "http://jobs.example.com" not in body


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("/", "/"),
        ("/jobs/?q=COO&utm_source=x", "/jobs/?q=COO"),
        ("/jobs/coo-region-1/?ref=mail", "/jobs/coo-region-1/"),
        ("/roles/chief-operating-officer/", "/roles/chief-operating-officer/"),
        (
            "/roles/compare/director-of-operations-vs-chief-operating-officer/",
            "/roles/compare/chief-operating-officer-vs-director-of-operations/",
        ),
    ],
)
def test_canonical_links_are_on_the_configured_origin(client, public_origin, path, canonical):
    build_site()

    body = client.get(path, headers={"Host": "other.example"}).content.decode()

    assert f'<link rel="canonical" href="{public_origin}{canonical}">' in body


def test_json_ld_urls_are_on_the_configured_origin(client, public_origin):
    posting = build_site().posting

    body = client.get(posting.get_absolute_url(), headers={"Host": "other.example"}).content
    body = body.decode()

    assert f'"url": "{public_origin}{posting.get_absolute_url()}"' in body


def test_robots_txt_names_the_sitemap_on_the_configured_origin(client, public_origin):
    body = client.get("/robots.txt", headers={"Host": "other.example"}).content.decode()

    assert f"Sitemap: {public_origin}/sitemap.xml\n" in body
