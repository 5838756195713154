"""The Nu Html Checker reports no errors on the pages people see."""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from postings import accounts, logos
from postings.models import Posting
from seekers.models import SavedJob
from tests.alerts.helpers import alert_pages
from tests.factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    build_site,
)
from tests.helpers import BASE_DIR, image_bytes, logo_upload, notification_links

pytestmark = pytest.mark.django_db

VNU_JAR = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Check every page in one JVM start; map each page's name to its error messages."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: `make test` installs it (scripts/ensure-browser).")
    files = {}
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        # Plain paths: vnu silently checks nothing when given file:/// URIs.
        files[str(path.resolve())] = name
    result = subprocess.run(  # noqa: S603 - fixed command over files we wrote
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    errors: dict[str, list[str]] = {name: [] for name in pages}
    for message in json.loads(result.stderr)["messages"]:
        if message["type"] == "error":
            # vnu reports the file /a/b.html as "file:/a/b.html".
            url = message.get("url", "").removeprefix("file:")
            name = files.get(url, url)
            errors.setdefault(name, []).append(
                f"line {message.get('lastLine')}: {message['message']}"
            )
    return errors


def test_every_page_people_see_is_valid_html(client, tmp_path):
    """One JVM start for all of them: a second costs as much as checking twenty pages."""
    site = build_site()
    site.organisation.set_logo(logos.store(io.BytesIO(image_bytes())))
    MembershipFactory(organisation=site.organisation)
    InvitationFactory(organisation=site.organisation, invited_by=site.recruiter)
    posting = site.posting
    urls = {
        "home": "/",
        "not found": "/no-such-page/",
        "role directory": "/roles/",
        "role directory, filtered": "/roles/?level=executive&function=nonsense",
        "explainer": "/roles/chief-operating-officer/",
        "explainer, pay in a metro area": "/roles/chief-operating-officer/?area=0041860",
        "explainer, an area it does not know": "/roles/chief-operating-officer/?area=junk",
        "comparison": "/roles/compare/chief-operating-officer-vs-director-of-operations/",
        "comparison picker": "/roles/compare/",
        "comparison picker with an error": "/roles/compare/?a=chief-operating-officer&b=nobody",
        "search with results": "/jobs/?q=COO&workplace=remote&page=2",
        "search that names a role": "/jobs/?q=chief+operating+officer",
        "search without results": "/jobs/?q=astronaut",
        "search with a misspelling corrected": "/jobs/?q=oprations",
        "search offering a correction": "/jobs/?q=oprations&literal=1",
        "search with a form error": "/jobs/?salary_min=lots&posted_within=9999&sort=x",
        "posting detail": posting.get_absolute_url(),
        "closed posting": "/jobs/closed-coo/",
        "company directory": "/companies/",
        "company page": site.organisation.get_absolute_url(),
        "for employers": "/recruiters/",
        "login": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "sign-up sent": "/accounts/signup/done/",
        "email confirmation": accounts.verification_url(UserFactory(unverified=True)),
        "broken confirmation link": "/accounts/verify/not-a-token/",
        "password reset": "/accounts/password_reset/",
        "broken invitation link": "/accounts/invitations/not-a-token/",
        **notification_links(site),
    }
    pages = {name: client.get(url).content.decode() for name, url in urls.items()}
    pages["unsubscribed"] = client.post(urls["unsubscribe link"]).content.decode()
    # Extended: the posting's history, on its form below, shows the extension.
    pages["posting extended"] = client.post(urls["extend link"]).content.decode()
    pages["login with errors"] = client.post(
        "/accounts/login/", {"username": "nobody@example.com", "password": "wrong"}
    ).content.decode()
    pages["sign-up with errors"] = client.post(
        "/accounts/signup/",
        {"name": "", "email": "not an address", "password1": "short", "password2": "other"},
    ).content.decode()

    client.login(username=site.recruiter.username, password=PASSWORD)
    manage = f"/recruiters/postings/{posting.pk}/"
    recruiter_urls = {
        "dashboard": "/recruiters/",
        "role picker": "/recruiters/postings/new/",
        "new posting form": "/recruiters/postings/new/?role=chief-operating-officer",
        "posting form, filled": manage,
        "posting preview": f"{manage}preview/",
        "organisation settings": "/recruiters/organisation/",
        "team": "/recruiters/invitations/",
        "notification preferences": "/recruiters/notifications/",
    }
    pages |= {name: client.get(url).content.decode() for name, url in recruiter_urls.items()}
    pages["organisation settings with errors"] = client.post(
        "/recruiters/organisation/", {"name": "", "size": "lots", "website": ""}
    ).content.decode()
    pages["logo upload with errors"] = client.post(
        "/recruiters/organisation/logo/", {"logo": logo_upload(b"<svg/>", "logo.svg")}
    ).content.decode()
    pages["posting form with errors"] = client.post(
        manage, {"title": "", "salary_min": "90000", "salary_max": "10", "country": "XX"}
    ).content.decode()

    # A job seeker's pages, and public pages as a signed-in visitor sees them (forms).
    seeker = UserFactory(username="ada@example.com", email="ada@example.com", first_name="Ada")
    SavedJob.objects.create(user=seeker, posting=posting)
    SavedJob.objects.create(user=seeker, posting=Posting.objects.get(slug="closed-coo"))
    client.force_login(seeker)
    seeker_urls = {
        "my jobs": "/me/",
        "save a job": f"/me/saved/{posting.pk}/save/",
        "delete account": "/me/delete/",
        "posting detail, signed in": posting.get_absolute_url(),
        "search, signed in": "/jobs/?q=COO",
    }
    pages |= {name: client.get(url).content.decode() for name, url in seeker_urls.items()}
    pages["delete account with errors"] = client.post(
        "/me/delete/", {"password": "not it"}
    ).content.decode()
    pages["sign-up as a recruiter"] = (
        Client().get("/accounts/signup/?as=recruiter").content.decode()
    )

    for name in (
        "delete account with errors",
        "login with errors",
        "sign-up with errors",
        "posting form with errors",
        "organisation settings with errors",
        "logo upload with errors",
    ):
        assert "Please correct the following" in pages[name], name
    assert "Harbour Foods: your postings" in pages["dashboard"]
    assert "Extended" in pages["posting extended"]
    assert nu_errors(pages, tmp_path) == {name: [] for name in pages}


def test_alert_pages_are_valid_html(client, tmp_path):
    build_site()
    pages = {name: client.get(url).content.decode() for name, url in alert_pages().items()}
    pages["alert sign-up with errors"] = client.post(
        "/alerts/new/?q=coo", {"frequency": "hourly", "email": "nope"}
    ).content.decode()
    assert "Please correct the following" in pages["alert sign-up with errors"]
    client.force_login(UserFactory())
    pages["alert list"] = client.get("/alerts/").content.decode()
    assert nu_errors(pages, tmp_path) == {name: [] for name in pages}


def test_the_checker_reports_invalid_html(tmp_path):
    """Guards the guard: a checker that silently checks nothing would pass every page."""
    errors = nu_errors(
        {"broken": "<!doctype html><html lang=en><title>x</title><p><div></p>"}, tmp_path
    )

    assert "Unclosed element “div”." in " ".join(errors["broken"])
