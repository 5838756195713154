"""A person's data: downloading it, and deleting the account (never an organisation's last
owner)."""

import json
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from postings.models import Membership, Organisation
from seekers.models import SavedJob
from tests.alerts.helpers import make_alert
from tests.factories import PASSWORD, MembershipFactory, PostingFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
DELETE = reverse("seekers:account_delete")
DATA = reverse("seekers:personal_data")


def test_a_seeker_downloads_their_account_and_saved_jobs_as_json(seeker_client, seeker):
    SavedJob.objects.create(user=seeker, posting=PostingFactory(title="Head of Operations"))
    SavedJob.objects.create(user=seeker, posting=PostingFactory(title="Old one", closed=True))

    response = seeker_client.get(DATA)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "ada@example.com"
    assert data["account"]["organisation"] is None
    assert {(job["title"], job["state"]) for job in data["saved_jobs"]} == {
        ("Head of Operations", "open"),
        ("Old one", "closed"),
    }
    assert all(job["url"].startswith("http://testserver/jobs/") for job in data["saved_jobs"])


def test_a_recruiters_data_names_their_organisation(client):
    member = MembershipFactory(organisation__name="Compiler Logistics")
    client.force_login(member.user)

    data = client.get(DATA).json()

    assert data["account"]["organisation"]["name"] == "Compiler Logistics"


@pytest.mark.parametrize("count", [1, 10])
def test_the_download_runs_a_fixed_number_of_queries(
    seeker_client, seeker, count, django_assert_num_queries
):
    """Guards a query per saved job or alert: session, user, verification, membership,
    saved jobs, alerts."""
    for number in range(count):
        SavedJob.objects.create(user=seeker, posting=PostingFactory())
        make_alert(f"q=operations+{number}", user=seeker)

    with django_assert_num_queries(6):
        seeker_client.get(DATA)


def test_the_download_holds_the_persons_alerts_and_no_one_elses(seeker_client, seeker):
    make_alert("q=coo&workplace=remote", user=seeker)
    make_alert("q=cfo", user=UserFactory())
    make_alert("q=cto", email="someone@example.com")

    [alert] = json.loads(seeker_client.get(DATA).content)["alerts"]

    assert alert["url"] == "http://testserver/jobs/?q=coo&workplace=remote"
    assert "coo" in alert["search"].lower()
    assert alert["frequency"] == "daily"


def test_the_download_needs_a_login(client):
    assert client.get(DATA)["Location"].startswith(reverse("login"))


def test_deleting_the_account_deletes_what_it_kept_and_logs_out(seeker_client, seeker):
    SavedJob.objects.create(user=seeker, posting=PostingFactory())

    response = seeker_client.post(DELETE, {"password": PASSWORD})

    assert response["Location"] == reverse("postings:home")
    assert not User.objects.filter(pk=seeker.pk).exists()
    assert not SavedJob.objects.exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your account and everything it kept are deleted."
    ]
    assert seeker_client.get(reverse("seekers:my_jobs")).status_code == HTTPStatus.FOUND


def test_deleting_asks_for_the_password(seeker_client, seeker):
    response = seeker_client.post(DELETE, {"password": "not it"})

    assert response.status_code == HTTPStatus.OK
    assert "This is not your account" in response.content.decode()
    assert User.objects.filter(pk=seeker.pk).exists()


def test_the_last_owner_of_an_organisation_cannot_delete_their_account(client):
    owner = MembershipFactory(access=Membership.Access.OWNER, organisation__name="Acme")
    MembershipFactory(organisation=owner.organisation, access=Membership.Access.RECRUITER)
    client.force_login(owner.user)

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "You cannot remove the last owner of Acme" in html
    assert "make a colleague an owner" in html
    assert User.objects.filter(pk=owner.user.pk).exists()
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_an_owner_with_another_owner_can_delete_and_the_organisation_stays(client):
    owner = MembershipFactory(access=Membership.Access.OWNER)
    other = MembershipFactory(organisation=owner.organisation, access=Membership.Access.OWNER)
    posting = PostingFactory(organisation=owner.organisation, created_by=owner.user)
    client.force_login(owner.user)

    client.post(DELETE, {"password": PASSWORD})

    assert not User.objects.filter(pk=owner.user.pk).exists()
    assert Organisation.objects.filter(pk=owner.organisation.pk).exists()
    assert Membership.objects.filter(pk=other.pk).exists()
    posting.refresh_from_db()
    assert posting.created_by is None


def test_a_recruiter_can_delete_their_account(client):
    member = MembershipFactory(access=Membership.Access.RECRUITER)
    client.force_login(member.user)

    client.post(DELETE, {"password": PASSWORD})

    assert not User.objects.filter(pk=member.user.pk).exists()
    assert Organisation.objects.filter(pk=member.organisation.pk).exists()


def test_deleting_needs_a_post_with_its_csrf_token(seeker):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(seeker)

    response = browser.post(DELETE, {"password": PASSWORD})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert User.objects.filter(pk=seeker.pk).exists()


def test_the_delete_page_runs_a_fixed_number_of_queries(seeker_client, django_assert_num_queries):
    with django_assert_num_queries(2):  # session, user
        response = seeker_client.get(DELETE)

    assert response.status_code == HTTPStatus.OK
