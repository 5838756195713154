"""Accounts: sign-up, login and its throttling, logout, passwords, invitations."""

import re
import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from postings.models import Invitation, Membership
from postings.services import invitation_token
from tests.factories import PASSWORD, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "a much better passphrase 42"


def signup_data(**overrides):
    data = {
        "name": "Grace Hopper",
        "email": "Grace@Example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "organisation_name": "Compiler Logistics",
        "website": "https://compiler.example",
    }
    data.update(overrides)
    return data


def logged_in_user(client):
    response = client.get(reverse("recruiters:dashboard"))
    return response.wsgi_request.user


# --- Sign-up -----------------------------------------------------------------------------


def test_signup_creates_a_user_owning_a_new_organisation_and_lands_on_the_dashboard(client):
    response = client.post(reverse("signup"), signup_data(), follow=True)

    assert response.redirect_chain == [(reverse("recruiters:dashboard"), HTTPStatus.FOUND)]
    user = User.objects.get()
    assert (user.username, user.email, user.first_name) == (
        "grace@example.com",
        "grace@example.com",
        "Grace Hopper",
    )
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.OWNER
    assert membership.organisation.name == "Compiler Logistics"
    assert membership.organisation.website == "https://compiler.example"
    assert response.wsgi_request.user == user
    assert "Compiler Logistics: your postings" in response.content.decode()


def test_signup_page_has_labelled_fields_with_help(client):
    response = client.get(reverse("signup"))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for name in ["name", "email", "password1", "password2", "organisation_name", "website"]:
        assert f'<label for="id_{name}">' in content
    assert 'aria-describedby="id_email_helptext"' in content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": "something else 99"}, "password2", "The two passwords differ"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "too common"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"organisation_name": ""}, "organisation_name", "This field is required"),
        ({"organisation_name": "x" * 151}, "organisation_name", "at most 150 characters"),
        ({"website": "not a url"}, "website", "Enter a valid URL"),
    ],
)
def test_signup_with_an_invalid_field_says_so_on_the_field_and_creates_nothing(
    client, overrides, field, message
):
    response = client.post(reverse("signup"), signup_data(**overrides))

    assert response.status_code == HTTPStatus.OK
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.exists()
    assert f'href="#id_{field}"' in response.content.decode()


def test_signup_with_an_email_already_in_use_is_refused(client):
    UserFactory(username="grace@example.com", email="grace@example.com")

    response = client.post(reverse("signup"), signup_data(email="GRACE@example.com"))

    assert "exists already" in " ".join(response.context["form"].errors["email"])
    assert User.objects.count() == 1


# --- Login, logout, throttling -----------------------------------------------------------


def test_login_with_email_and_password_goes_to_the_dashboard(client):
    client.post(reverse("signup"), signup_data())
    client.post(reverse("logout"))

    response = client.post(
        reverse("login"), {"username": "GRACE@example.com", "password": NEW_PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("recruiters:dashboard")
    assert logged_in_user(client).email == "grace@example.com"


def test_login_with_a_wrong_password_says_so(client):
    UserFactory(username="ada@example.com")

    response = client.post(reverse("login"), {"username": "ada@example.com", "password": "nope"})

    assert response.status_code == HTTPStatus.OK
    assert "Please enter a correct" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_recruiter_pages_send_anonymous_visitors_to_login_and_back(client):
    response = client.get(reverse("recruiters:dashboard"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('login')}?next=/recruiters/"


def test_sixth_login_attempt_is_refused_even_with_the_right_password(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="ada@example.com")
    for _ in range(5):
        client.post(reverse("login"), {"username": "ada@example.com", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "ada@example.com", "password": PASSWORD})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed attempts" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def fail_to_log_in(client, username, times=5, **headers):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong"}, **headers)


def log_in(client, username, **headers):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, **headers)


@pytest.fixture
def behind_one_proxy(settings):
    """The production shape: one TLS proxy in front of gunicorn, so every request comes from
    the proxy's address and names the client in X-Forwarded-For."""
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXIES = 1
    return {"REMOTE_ADDR": "10.0.0.1"}


def test_behind_the_proxy_failed_logins_lock_out_only_the_attackers_address(
    client, behind_one_proxy
):
    UserFactory(username="ada@example.com")
    attacker = {**behind_one_proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    victim = {**behind_one_proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    fail_to_log_in(client, "ada@example.com", **attacker)

    locked = log_in(client, "ada@example.com", **attacker)
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS

    response = log_in(client, "ada@example.com", **victim)
    assert response.status_code == HTTPStatus.FOUND
    assert logged_in_user(client).username == "ada@example.com"


def test_behind_the_proxy_a_forged_forwarded_for_prefix_does_not_change_who_is_locked(
    client, behind_one_proxy
):
    UserFactory(username="ada@example.com")
    # The attacker writes the victim's address into the header; the proxy appends theirs.
    forged = {**behind_one_proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.66"}
    fail_to_log_in(client, "ada@example.com", **forged)

    # Still the attacker who is locked, whatever prefix they send next...
    other_prefix = {**behind_one_proxy, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.66"}
    assert log_in(client, "ada@example.com", **other_prefix).status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )
    # ...and not the victim whose address they wrote.
    victim = {**behind_one_proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert log_in(client, "ada@example.com", **victim).status_code == HTTPStatus.FOUND


def test_without_a_trusted_proxy_the_forwarded_for_header_is_ignored(client, settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXIES = 0
    UserFactory(username="ada@example.com")
    # Varying the header cannot buy an attacker more guesses from one address.
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": "ada@example.com", "password": "wrong"},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    locked = log_in(
        client, "ada@example.com", REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    other_address = log_in(client, "ada@example.com", REMOTE_ADDR="198.51.100.7")
    assert other_address.status_code == HTTPStatus.FOUND


def test_a_lockout_holds_whatever_the_case_of_the_email_address(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="ada@example.com")
    for username in ["ada@example.com", "ADA@example.com", "Ada@Example.com", "aDa@example.COM"]:
        fail_to_log_in(client, username, times=1)
    fail_to_log_in(client, "ada@EXAMPLE.com", times=1)

    assert log_in(client, "ada@example.com").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_logout_is_a_post(client):
    client.force_login(UserFactory())

    assert client.get(reverse("logout")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert logged_in_user(client).is_authenticated

    client.post(reverse("logout"))
    assert not logged_in_user(client).is_authenticated


# --- Passwords ---------------------------------------------------------------------------


def test_password_change_uses_our_page_and_takes_effect(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("password_change"))
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert "Change your password" in page.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_emails_a_link_that_sets_a_new_password(client):
    user = UserFactory(email="ada@example.com")

    response = client.post(reverse("password_reset"), {"email": "ada@example.com"})

    assert response.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert "Reset your" in message.subject
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your new password is set" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_link_that_was_tampered_with_says_so(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))

    assert response.status_code == HTTPStatus.OK
    assert "This link does not work" in response.content.decode()


# --- Invitations -------------------------------------------------------------------------


@pytest.fixture
def owner():
    return MembershipFactory(role=Membership.Role.OWNER, user__first_name="Olive").user


def invite(client, owner, email="new.recruiter@example.com"):
    client.force_login(owner)
    return client.post(reverse("recruiters:invitation_list"), {"email": email})


def invitation_link():
    return re.search(r"http://testserver(/accounts/invitations/\S+/)", mail.outbox[-1].body).group(
        1
    )


def test_owner_invites_a_recruiter_by_email_with_a_signed_link(client, owner):
    response = invite(client, owner)

    assert response.status_code == HTTPStatus.FOUND
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.invited_by) == ("new.recruiter@example.com", owner)
    assert mail.outbox[0].to == ["new.recruiter@example.com"]
    assert "Olive invites you" in mail.outbox[0].subject
    assert invitation_link() == reverse(
        "invitation_accept", kwargs={"token": invitation_token(invitation)}
    )
    page = client.get(reverse("recruiters:invitation_list")).content.decode()
    assert "new.recruiter@example.com" in page


def test_inviting_someone_who_belongs_to_an_organisation_is_refused(client, owner):
    MembershipFactory(user__email="taken@example.com")

    response = invite(client, owner, email="taken@example.com")

    assert response.status_code == HTTPStatus.OK
    assert "belongs to an organisation already" in " ".join(
        response.context["form"].errors["email"]
    )
    assert not Invitation.objects.exists()


def test_invitee_creates_an_account_and_becomes_a_recruiter_of_the_organisation(client, owner):
    invite(client, owner)
    link = invitation_link()
    client.post(reverse("logout"))

    page = client.get(link)
    response = client.post(
        link, {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert "new.recruiter@example.com" in page.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email="new.recruiter@example.com")
    assert user.membership.organisation == owner.membership.organisation
    assert user.membership.role == Membership.Role.RECRUITER
    assert Invitation.objects.get().accepted_at is not None
    assert logged_in_user(client) == user


def test_logged_in_user_without_an_organisation_joins_through_the_link(client, owner):
    invite(client, owner)
    link = invitation_link()
    user = UserFactory()
    client.force_login(user)

    page = client.get(link)
    client.post(link)

    assert "Join " in page.content.decode()
    assert Membership.objects.get(user=user).organisation == owner.membership.organisation


def test_logged_in_member_of_another_organisation_cannot_join_twice(client, owner):
    invite(client, owner)
    link = invitation_link()
    other = MembershipFactory()
    client.force_login(other.user)

    response = client.post(link)

    assert response.status_code == HTTPStatus.OK
    assert "You belong to" in response.content.decode()
    assert Membership.objects.get(user=other.user).organisation == other.organisation
    assert Invitation.objects.get().accepted_at is None


def test_a_used_invitation_link_says_so(client, owner):
    invite(client, owner)
    link = invitation_link()
    client.post(reverse("logout"))
    client.post(link, {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.post(reverse("logout"))

    response = client.get(link)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "used already" in response.content.decode()


def test_an_expired_invitation_link_says_so(client, owner):
    invite(client, owner)
    link = invitation_link()
    client.post(reverse("logout"))
    eight_days_later = time.time() + 8 * 24 * 60 * 60

    with mock.patch("django.core.signing.time.time", return_value=eight_days_later):
        response = client.post(
            link, {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This invitation has expired" in response.content.decode()
    assert not User.objects.filter(email="new.recruiter@example.com").exists()


@pytest.mark.parametrize(
    "token_of",
    [
        lambda invitation: invitation_token(invitation)[:-2] + "xx",
        lambda invitation: invitation_token(invitation).replace(str(invitation.pk), "999", 1),
        lambda invitation: "garbage",
        lambda invitation: "a" * 1000,
    ],
)
def test_a_tampered_invitation_link_says_so(client, token_of):
    invitation = InvitationFactory()

    response = client.get(reverse("invitation_accept", kwargs={"token": token_of(invitation)}))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "not valid" in response.content.decode()


def test_only_owners_invite(client):
    recruiter = MembershipFactory(role=Membership.Role.RECRUITER).user
    client.force_login(recruiter)

    assert client.get(reverse("recruiters:invitation_list")).status_code == HTTPStatus.FORBIDDEN
    response = client.post(reverse("recruiters:invitation_list"), {"email": "x@example.com"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Invitation.objects.exists()
    assert mail.outbox == []
