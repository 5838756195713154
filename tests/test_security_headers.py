"""Security headers and cookie flags, under the settings production runs with."""

import logging
import re
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest

from tests.factories import PASSWORD, UserFactory, build_site
from tests.helpers import assert_security_headers

pytestmark = pytest.mark.django_db

# The one stylesheet, uncompressed: the design system (tokens, light and dark) and every
# component; no build step, so every byte reaches the browser.
STYLESHEET_BUDGET_BYTES = 40 * 1024


@pytest.fixture
def https_settings(settings):
    """What DJANGO_HTTPS=1 turns on (jobsite/settings.py), applied to this test."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_HOST = urlsplit(settings.SITE_URL).netloc
    return settings


def test_plain_http_is_redirected_to_https(client, https_settings):
    response = client.get("/roles/")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://testserver/roles/"


def test_https_responses_carry_every_security_header(client, https_settings):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == HTTPStatus.OK
    assert_security_headers(response)
    assert "geolocation=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/roles/chief-operating-officer/", HTTPStatus.OK),
        ("get", "/jobs/?q=COO&salary_min=lots", HTTPStatus.OK),
        ("get", "/jobs/coo-region-1/", HTTPStatus.OK),
        ("get", "/jobs/no-such-posting/", HTTPStatus.NOT_FOUND),
        ("get", "/recruiters/", HTTPStatus.OK),
        ("get", "/recruiters/invitations/", HTTPStatus.FOUND),
        ("post", "/accounts/login/", HTTPStatus.OK),
        ("post", "/recruiters/postings/1/publish/", HTTPStatus.FOUND),
        ("get", "/jobs/feed/rss/", HTTPStatus.OK),
        ("get", "/jobs/feed.xml", HTTPStatus.OK),
        ("get", "/sitemap.xml", HTTPStatus.OK),
        ("get", "/robots.txt", HTTPStatus.OK),
        ("get", "/healthz", HTTPStatus.OK),
        ("head", "/", HTTPStatus.OK),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(
    client, https_settings, method, path, status
):
    build_site()
    response = getattr(client, method)(path, headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == status
    assert_security_headers(response)


BAD_HOST_REQUESTS = [
    ("get", "/"),
    ("get", "/jobs/"),
    ("get", "/jobs/?q=COO"),
    ("get", "/jobs/feed/rss/"),
    ("get", "/jobs/feed/atom/"),
    ("get", "/jobs/feed.xml"),
    ("get", "/sitemap.xml"),
    ("get", "/robots.txt"),
    ("get", "/healthz"),
    ("get", "/jobs/coo-region-1/"),
    ("get", "/roles/chief-operating-officer/"),
    ("get", "/accounts/login/"),
    ("post", "/accounts/login/"),
    ("get", "/no-such-page/"),
    ("head", "/"),
]


@pytest.mark.parametrize(("method", "path"), BAD_HOST_REQUESTS)
def test_a_host_outside_allowed_hosts_is_answered_400_with_the_security_headers(
    client, https_settings, caplog, method, path
):
    https_settings.DEBUG = False
    client.raise_request_exception = False
    build_site()

    response = getattr(client, method)(
        path, headers={"Host": "evil.example", "X-Forwarded-Proto": "https"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert_security_headers(response)
    if method != "head":
        assert "We couldn’t understand that request" in response.content.decode()
    assert "evil.example" not in response.content.decode()
    refused = [record for record in caplog.records if "evil.example" in record.getMessage()]
    assert [(record.levelno, record.exc_info) for record in refused] == [(logging.WARNING, None)]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_plain_http_to_a_host_outside_allowed_hosts_is_sent_to_the_public_origin(
    client, https_settings
):
    response = client.get("/jobs/?q=COO", headers={"Host": "evil.example"})

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://testserver/jobs/?q=COO"


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, https_settings):
    UserFactory(username="recruiter@example.com")
    https = {"X-Forwarded-Proto": "https"}
    form = client.get("/accounts/login/", headers=https)
    response = client.post(
        "/accounts/login/",
        {"username": "recruiter@example.com", "password": PASSWORD},
        headers=https,
    )

    assert response.status_code == HTTPStatus.FOUND
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    csrf = form.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"


def test_stylesheet_stays_within_its_budget():
    from django.contrib.staticfiles import finders

    path = finders.find("css/site.css")
    with open(path, "rb") as stylesheet:
        size = len(stylesheet.read())

    assert size <= STYLESHEET_BUDGET_BYTES, f"site.css is {size} bytes"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/roles/",
        "/roles/chief-operating-officer/",
        "/roles/compare/chief-operating-officer-vs-director-of-operations/",
        "/jobs/?q=COO",
        "/jobs/coo-region-1/",
        "/accounts/login/",
        "/accounts/signup/",
    ],
)
def test_pages_load_no_javascript_of_their_own(client, path):
    build_site()
    body = client.get(path).content.decode()

    # JSON-LD blocks are data, not scripts: the browser never runs them. The one script is
    # the share row's "Copy link" button, a file of the site's own (no inline script).
    scripts = re.findall(r"<script[^>]*>", body)
    assert set(scripts) <= {
        '<script type="application/ld+json">',
        '<script src="/static/js/share.js" defer>',
    }


def test_static_files_carry_the_security_headers_too(client, settings):
    """whitenoise answers before the middleware; it adds the headers itself."""
    settings.WHITENOISE_USE_FINDERS = True

    response = client.get("/static/img/icon.svg")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
