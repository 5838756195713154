"""Job seeker accounts: one sign-up with a choice, the address verified before anything else
is sent to it, logging in to My jobs, and the header saying who is signed in."""

import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from postings.models import EmailVerification, Membership, Organisation
from tests.factories import PASSWORD, MembershipFactory, PostingFactory, UserFactory
from tests.helpers import NEW_PASSWORD, signup_data

pytestmark = pytest.mark.django_db

User = get_user_model()


def path_of_link(message, name):
    """The path of the `name` link in a mail received over SMTP, on the public origin."""
    body = message.get_body(("plain",)).get_content()
    url = re.search(rf"(https?://\S+)(/accounts/{name}/\S+/)", body)
    assert url.group(1) == settings.SITE_URL
    return url.group(2)


def seeker_signup(**overrides):
    data = signup_data(intent="seeker", email="ada@example.com", name="Ada Lovelace")
    del data["organisation_name"], data["website"]
    return {**data, **overrides}


def test_a_seeker_signs_up_without_an_organisation_confirms_over_real_smtp_and_lands_on_my_jobs(
    client, smtp_inbox
):
    response = client.post(reverse("signup"), seeker_signup())

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("signup_done")
    user = User.objects.get(email="ada@example.com")
    assert not Membership.objects.filter(user=user).exists()
    assert Organisation.objects.count() == 0
    assert not EmailVerification.is_verified(user)
    [message] = smtp_inbox.messages
    assert message["To"] == "ada@example.com"
    body = message.get_body(("plain",)).get_content()
    assert "save jobs" in body
    assert "organisation" not in body

    response = client.post(path_of_link(message, "verify"), {"password": NEW_PASSWORD})

    assert response["Location"] == reverse("seekers:my_jobs")
    assert EmailVerification.is_verified(user)
    page = client.get(reverse("seekers:my_jobs"))
    assert "Signed in as Ada Lovelace" in page.content.decode()
    assert len(smtp_inbox.messages) == 1, "nothing but the verification mail before it is used"


def test_an_unverified_seeker_cannot_log_in(client, mailoutbox):
    client.post(reverse("signup"), seeker_signup())

    response = client.post(
        reverse("login"), {"username": "ada@example.com", "password": NEW_PASSWORD}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Confirm your email address first" in response.content.decode()
    assert len(mailoutbox) == 1


def test_a_seekers_organisation_answers_are_ignored_even_when_invalid(client, mailoutbox):
    response = client.post(
        reverse("signup"),
        seeker_signup(organisation_name="Acme\nBcc: x@example.com", website="not a url"),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Organisation.objects.count() == 0
    assert User.objects.filter(email="ada@example.com").exists()


def test_a_recruiter_must_name_their_organisation(client, mailoutbox):
    response = client.post(reverse("signup"), signup_data(organisation_name=""))

    assert response.status_code == HTTPStatus.OK
    assert "Name the organisation you are hiring for" in response.content.decode()
    assert not User.objects.exists()
    assert mailoutbox == []


def test_a_sign_up_that_says_neither_is_refused_on_its_field(client):
    response = client.post(reverse("signup"), seeker_signup(intent="both"))

    assert response.status_code == HTTPStatus.OK
    assert 'id="id_intent_error"' in response.content.decode()
    assert not User.objects.exists()


def test_the_sign_up_page_asks_a_seeker_by_default_and_a_recruiter_from_for_recruiters(client):
    seeker_page = client.get(reverse("signup")).content.decode()
    recruiter_page = client.get(reverse("signup"), {"as": "recruiter"}).content.decode()

    checked = re.compile(r'<input type="radio" name="intent" value="(\w+)"[^>]*checked')
    assert checked.findall(seeker_page) == ["seeker"]
    assert checked.findall(recruiter_page) == ["recruiter"]
    assert "I’m looking for a job" in seeker_page
    assert "I’m hiring" in seeker_page


def test_logging_in_lands_a_seeker_on_my_jobs(client):
    UserFactory(username="ada@example.com", email="ada@example.com")

    response = client.post(reverse("login"), {"username": "ada@example.com", "password": PASSWORD})

    assert response["Location"] == reverse("seekers:my_jobs")


def test_logging_in_lands_a_recruiter_on_the_dashboard_which_links_to_my_jobs(client):
    member = MembershipFactory()

    response = client.post(
        reverse("login"), {"username": member.user.username, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("recruiters:dashboard")
    assert f'href="{reverse("seekers:my_jobs")}"' in response.content.decode()


def test_logging_in_with_a_next_page_goes_there(client):
    UserFactory(username="ada@example.com", email="ada@example.com")
    posting = PostingFactory()

    response = client.post(
        reverse("login"),
        {
            "username": "ada@example.com",
            "password": PASSWORD,
            "next": posting.get_absolute_url(),
        },
    )

    assert response["Location"] == posting.get_absolute_url()


def test_a_signed_in_visitor_on_sign_up_goes_to_their_own_page(seeker_client):
    response = seeker_client.get(reverse("signup"))

    assert response["Location"] == reverse("seekers:my_jobs")


def test_my_jobs_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get(reverse("seekers:my_jobs"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_the_header_says_who_is_signed_in_and_where_their_pages_are(seeker_client):
    page = seeker_client.get(reverse("postings:home")).content.decode()

    assert "Signed in as Ada" in page
    assert f'href="{reverse("seekers:my_jobs")}"' in page
    assert f'action="{reverse("logout")}"' in page


def test_the_header_of_a_cached_page_is_the_same_for_every_anonymous_visitor(
    client, seeker_client, cached
):
    seeker_client.get(reverse("postings:home"))
    first = Client().get(reverse("postings:home"))
    second = Client().get(reverse("postings:home"))

    assert first.content == second.content
    page = first.content.decode()
    assert "Signed in as" not in page
    assert "Ada" not in page
    assert "csrfmiddlewaretoken" not in page
    assert f'href="{reverse("login")}"' in page
    assert "csrftoken" not in first.cookies


def test_for_recruiters_leads_to_the_hiring_sign_up(client):
    for_employers = client.get(reverse("recruiters:dashboard")).content.decode()
    plain_login = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("signup")}?as=recruiter"' in for_employers
    assert f'href="{reverse("signup")}"' in plain_login
