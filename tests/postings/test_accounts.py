"""Accounts: sign-up, login and its throttling, logout, passwords, invitations."""

import re
import threading
import time
from datetime import timedelta
from http import HTTPStatus
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail, signing
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from postings.accounts import invitation_from_token, invitation_token
from postings.models import EmailVerification, Invitation, Membership, Organisation, Posting
from tests.factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    PostingFactory,
    UserFactory,
)
from tests.helpers import NEW_PASSWORD, closed_port, signup_data

pytestmark = pytest.mark.django_db

User = get_user_model()


def logged_in_user(client):
    response = client.get(reverse("recruiters:dashboard"))
    return response.wsgi_request.user


# --- Sign-up -----------------------------------------------------------------------------


def link_in(message, name):
    """The path of the `name` link in an email, checking it is on the public origin."""
    url = re.search(rf"(https?://\S+)(/accounts/{name}/\S+/)", message.body)
    assert url is not None, message.body
    assert url.group(1) == settings.SITE_URL
    return url.group(2)


def test_signup_makes_an_unverified_owner_mails_a_link_and_logs_no_one_in(client, mailoutbox):
    response = client.post(reverse("signup"), signup_data(), follow=True)

    assert response.redirect_chain == [(reverse("signup_done"), HTTPStatus.FOUND)]
    assert "Check your inbox" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    user = User.objects.get()
    assert (user.username, user.email, user.first_name) == (
        "grace@example.com",
        "grace@example.com",
        "Grace Hopper",
    )
    membership = Membership.objects.get(user=user)
    assert membership.access == Membership.Access.OWNER
    assert membership.organisation.name == "Compiler Logistics"
    assert membership.organisation.website == "https://compiler.example"
    assert not EmailVerification.is_verified(user)
    [message] = mailoutbox
    assert message.to == ["grace@example.com"]
    assert message.subject == "Confirm your email address for Rolewise"
    assert link_in(message, "verify")


def test_the_verification_link_confirms_the_address_and_logs_in_once(client, mailoutbox):
    client.post(reverse("signup"), signup_data())
    link = link_in(mailoutbox[0], "verify")

    page = client.get(link)
    assert "Confirm my address" in page.content.decode()
    assert not logged_in_user(client).is_authenticated  # opening the link changes nothing

    response = client.post(link, {"password": NEW_PASSWORD}, follow=True)
    assert response.redirect_chain == [(reverse("recruiters:dashboard"), HTTPStatus.FOUND)]
    assert "Compiler Logistics: your postings" in response.content.decode()
    assert EmailVerification.is_verified(User.objects.get())

    client.post(reverse("logout"))
    again = client.post(link, {"password": NEW_PASSWORD})
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert "confirmed already" in again.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_an_unverified_account_cannot_log_in_until_its_address_is_confirmed(client, mailoutbox):
    client.post(reverse("signup"), signup_data())

    refused = client.post(
        reverse("login"), {"username": "grace@example.com", "password": NEW_PASSWORD}
    )
    assert refused.status_code == HTTPStatus.OK
    assert "Confirm your email address first" in refused.content.decode()
    assert not logged_in_user(client).is_authenticated

    client.post(link_in(mailoutbox[0], "verify"), {"password": NEW_PASSWORD})
    client.post(reverse("logout"))
    response = client.post(
        reverse("login"), {"username": "grace@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert logged_in_user(client).email == "grace@example.com"


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a" * 1000,
        signing.dumps(
            {"user": 999, "email": "grace@example.com"}, salt="postings.email_verification"
        ),
        signing.dumps({"user": "1"}, salt="postings.email_verification"),
        signing.dumps([1], salt="postings.email_verification"),
        signing.dumps({"user": 1, "email": "grace@example.com"}, salt="another.salt"),
    ],
)
def test_a_forged_or_foreign_verification_link_is_refused(client, mailoutbox, token):
    client.post(reverse("signup"), signup_data())

    response = client.post(reverse("email_verify", kwargs={"token": token}))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not EmailVerification.is_verified(User.objects.get())
    assert not logged_in_user(client).is_authenticated


def test_an_expired_verification_link_says_so(client, mailoutbox):
    client.post(reverse("signup"), signup_data())
    four_days_later = time.time() + 4 * 24 * 60 * 60

    with mock.patch("django.core.signing.time.time", return_value=four_days_later):
        response = client.post(link_in(mailoutbox[0], "verify"), {"password": NEW_PASSWORD})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "expired" in response.content.decode()


def path_of_link(message, name):
    body = message.get_body(("plain",)).get_content()
    url = re.search(rf"(https?://\S+)(/accounts/{name}/\S+/)", body)
    assert url.group(1) == settings.SITE_URL
    return url.group(2)


def test_over_real_smtp_sign_up_mails_a_link_that_confirms_the_address(client, smtp_inbox):
    client.post(reverse("signup"), signup_data())

    [message] = smtp_inbox.messages
    assert message["To"] == "grace@example.com"
    assert message["Subject"] == "Confirm your email address for Rolewise"
    response = client.post(path_of_link(message, "verify"), {"password": NEW_PASSWORD}, follow=True)
    assert "Compiler Logistics: your postings" in response.content.decode()


def test_over_real_smtp_a_reset_mail_sets_a_new_password(client, smtp_inbox):
    user = UserFactory(email="ada@example.com")

    client.post(reverse("password_reset"), {"email": "ada@example.com"})

    [message] = smtp_inbox.messages
    assert message["Subject"] == "Reset your Rolewise password"
    form_page = client.get(path_of_link(message, "reset"), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


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
        ({"organisation_name": ""}, "organisation_name", "Name the organisation you are"),
        ({"organisation_name": "x" * 151}, "organisation_name", "at most 150 characters"),
        ({"website": "not a url"}, "website", "Enter a valid URL"),
        ({"name": "Your bank\r\nBcc: everyone@example.com"}, "name", "no line breaks"),
        ({"name": "Grace\x1b[31m"}, "name", "control characters"),
        ({"name": "Grace\u2028Hopper"}, "name", "no line breaks"),
        ({"organisation_name": "Acme\nSubject: urgent"}, "organisation_name", "no line breaks"),
        ({"organisation_name": "Acme\tLtd"}, "organisation_name", "control characters"),
    ],
)
def test_signup_with_an_invalid_field_says_so_on_the_field_and_creates_nothing(
    client, mailoutbox, overrides, field, message
):
    response = client.post(reverse("signup"), signup_data(**overrides))

    assert response.status_code == HTTPStatus.OK
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.exists()
    assert mailoutbox == []
    assert f'href="#id_{field}"' in response.content.decode()


def test_signup_with_an_address_in_use_answers_the_same_and_mails_the_address(client, mailoutbox):
    new = client.post(reverse("signup"), signup_data(email="someone.new@example.com"))
    UserFactory(username="grace@example.com", email="grace@example.com")

    taken = client.post(reverse("signup"), signup_data(email="GRACE@example.com"))

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert client.get(taken["Location"]).content == client.get(new["Location"]).content
    assert User.objects.filter(email="grace@example.com").count() == 1
    assert not Membership.objects.filter(user__email="grace@example.com").exists()
    message = mailoutbox[-1]
    assert message.to == ["grace@example.com"]
    assert "has an account already" in message.body
    assert f"{settings.SITE_URL}{reverse('password_reset')}" in message.body
    assert "/accounts/verify/" not in message.body  # verified already: nothing to confirm
    assert not logged_in_user(client).is_authenticated


def test_signing_up_again_with_an_unverified_address_mails_a_new_password_link_not_a_confirmation(
    client, mailoutbox
):
    """The account's password may be someone else's, who signed up with this address first:
    the second mail offers a new password (which confirms the address), never a link that
    would confirm the account with the first password."""
    client.post(reverse("signup"), signup_data())
    client.post(reverse("signup"), signup_data(organisation_name="Another name"))

    assert User.objects.count() == 1
    assert "has an account already" in mailoutbox[1].body
    assert "/accounts/verify/" not in mailoutbox[1].body
    assert settings.SITE_URL + reverse("password_reset") in mailoutbox[1].body
    assert not EmailVerification.is_verified(User.objects.get())


def test_someone_who_signed_up_with_another_persons_address_cannot_share_the_account(
    client, mailoutbox
):
    """The inbox's owner opens the confirmation link the squatter's sign-up sent: without
    the squatter's password it confirms nothing, and the new password the owner chooses
    instead confirms the address and shuts the squatter out."""
    squatter_password = "squatter knows this one 42"
    client.post(
        reverse("signup"),
        signup_data(password1=squatter_password, password2=squatter_password),
    )
    link = link_in(mailoutbox[0], "verify")

    guessed = client.post(link, {"password": NEW_PASSWORD})
    assert "not the password this account was made with" in guessed.content.decode()
    assert not EmailVerification.is_verified(User.objects.get())

    client.post(reverse("password_reset"), {"email": "grace@example.com"})
    form_page = client.get(link_in(mailoutbox[-1], "reset"), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    owner = User.objects.get()
    assert EmailVerification.is_verified(owner)
    assert owner.check_password(NEW_PASSWORD)
    assert not client.login(username="grace@example.com", password=squatter_password)


def test_signup_when_the_mail_cannot_be_sent_says_so_and_keeps_nothing(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()

    response = client.post(reverse("signup"), signup_data())

    assert response.status_code == HTTPStatus.OK
    assert "could not send mail" in " ".join(response.context["form"].errors["email"])
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


# --- Login, logout, throttling -----------------------------------------------------------


def test_login_with_email_and_password_goes_to_the_dashboard(client, mailoutbox):
    client.post(reverse("signup"), signup_data())
    client.post(link_in(mailoutbox[0], "verify"), {"password": NEW_PASSWORD})
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
    response = client.get(reverse("recruiters:invitation_list"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('login')}?next=/recruiters/invitations/"


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


def test_password_reset_emails_a_link_on_the_public_origin_that_sets_a_new_password(
    client, mailoutbox
):
    user = UserFactory(email="ada@example.com")

    response = client.post(
        reverse("password_reset"), {"email": "ada@example.com"}, headers={"host": "localhost"}
    )

    assert response.status_code == HTTPStatus.FOUND
    [message] = mailoutbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Reset your Rolewise password"
    assert "the Rolewise account of ada@example.com" in message.body
    link = link_in(message, "reset")
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


def test_a_completed_password_reset_verifies_the_address(client, mailoutbox):
    user = UserFactory(email="ada@example.com", unverified=True)

    client.post(reverse("password_reset"), {"email": "ada@example.com"})
    form_page = client.get(link_in(mailoutbox[0], "reset"), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert EmailVerification.is_verified(user)


def test_password_reset_link_that_was_tampered_with_says_so(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))

    assert response.status_code == HTTPStatus.OK
    assert "This link does not work" in response.content.decode()


# --- Invitations -------------------------------------------------------------------------


@pytest.fixture
def owner():
    return MembershipFactory(access=Membership.Access.OWNER, user__first_name="Olive").user


def invite(client, owner, email="new.recruiter@example.com", **extra):
    client.force_login(owner)
    return client.post(reverse("recruiters:invitation_list"), {"email": email}, **extra)


def invitation_link():
    return link_in(mail.outbox[-1], "invitations")


def test_owner_invites_a_recruiter_by_email_with_a_signed_link(client, owner):
    response = invite(client, owner)

    assert response.status_code == HTTPStatus.FOUND
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.invited_by) == ("new.recruiter@example.com", owner)
    assert mail.outbox[0].to == ["new.recruiter@example.com"]
    assert "Olive invites you" in mail.outbox[0].subject
    # The token is timestamped: one made now may differ by a second, so read the link's.
    link = resolve(invitation_link())
    assert link.url_name == "invitation_accept"
    assert invitation_from_token(link.kwargs["token"]) == invitation
    page = client.get(reverse("recruiters:invitation_list")).content.decode()
    assert "new.recruiter@example.com" in page


def test_an_owner_learns_nothing_about_an_address_in_another_organisation(client, owner):
    MembershipFactory(user__email="taken@example.com")

    taken = invite(client, owner, email="taken@example.com")
    free = invite(client, owner, email="free@example.com")

    assert taken.status_code == free.status_code == HTTPStatus.FOUND
    assert taken["Location"] == free["Location"]
    messages_shown = [str(m) for m in get_messages(taken.wsgi_request)]
    assert messages_shown == ["Invitation sent to taken@example.com."]
    assert [message.to for message in mail.outbox] == [["taken@example.com"], ["free@example.com"]]


def test_an_invitee_in_another_organisation_is_told_privately_when_opening_the_link(client, owner):
    other = MembershipFactory(user__email="taken@example.com")
    invite(client, owner, email="taken@example.com")
    link = invitation_link()
    client.force_login(other.user)

    response = client.post(link)

    assert response.status_code == HTTPStatus.OK
    assert f"You belong to {other.organisation.name} already" in response.content.decode()
    assert Membership.objects.get(user=other.user).organisation == other.organisation
    assert Invitation.objects.get().accepted_at is None


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
    assert user.membership.access == Membership.Access.RECRUITER
    assert user.membership.invitation == Invitation.objects.get()
    assert Invitation.objects.get().accepted_at is not None
    assert EmailVerification.is_verified(user)
    assert logged_in_user(client) == user


def test_the_invited_user_signed_in_without_an_organisation_joins_through_the_link(client, owner):
    invite(client, owner)
    link = invitation_link()
    user = UserFactory(email="New.Recruiter@example.com", unverified=True)
    client.force_login(user)

    page = client.get(link)
    client.post(link)

    assert "Join " in page.content.decode()
    assert Membership.objects.get(user=user).organisation == owner.membership.organisation
    assert EmailVerification.is_verified(user)  # the link reached the address


def test_another_signed_in_user_cannot_accept_an_invitation_sent_to_someone_else(client, owner):
    invite(client, owner)
    link = invitation_link()
    intruder = UserFactory(email="intruder@example.com")
    client.force_login(intruder)

    page = client.get(link)
    response = client.post(link)

    assert page.status_code == response.status_code == HTTPStatus.FORBIDDEN
    assert "sent to another address" in response.content.decode()
    assert not Membership.objects.filter(user=intruder).exists()
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


def test_an_invitation_cannot_make_two_memberships_even_past_the_checks(owner):
    invitation = InvitationFactory(organisation=owner.membership.organisation)
    MembershipFactory(invitation=invitation)

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(invitation=invitation)


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
    recruiter = MembershipFactory(access=Membership.Access.RECRUITER).user
    client.force_login(recruiter)

    assert client.get(reverse("recruiters:invitation_list")).status_code == HTTPStatus.FORBIDDEN
    response = client.post(reverse("recruiters:invitation_list"), {"email": "x@example.com"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_owner_whose_address_is_unverified_cannot_invite(client):
    owner = MembershipFactory(access=Membership.Access.OWNER, user__unverified=True).user

    response = invite(client, owner)

    assert response.status_code == HTTPStatus.FOUND
    assert "Confirm your email address first" in str(list(get_messages(response.wsgi_request)))
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["Your bank\r\nBcc: all@example.com", "Olive\x07", "Ol\x85ive"])
def test_an_inviter_whose_name_would_break_the_subject_is_refused_with_a_clear_error(client, name):
    owner = MembershipFactory(access=Membership.Access.OWNER, user__first_name=name).user

    response = invite(client, owner)

    assert response.status_code == HTTPStatus.OK
    assert "Your name, as the invitation would show it" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_invitation_is_not_kept_when_the_mail_backend_fails(client, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()

    response = invite(client, owner)

    assert response.status_code == HTTPStatus.OK
    assert "could not send the invitation" in response.content.decode()
    assert not Invitation.objects.exists()


# --- Mail limits -------------------------------------------------------------------------


def reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_one_address_gets_at_most_three_reset_mails_an_hour_and_every_request_reads_the_same(
    client, mailoutbox
):
    UserFactory(email="ada@example.com")

    answers = [reset(client, "ada@example.com") for _ in range(10)]

    assert len(mailoutbox) == 3
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (HTTPStatus.FOUND, reverse("password_reset_done"))
    }
    an_hour_later = timezone.now() + timedelta(hours=1)
    with mock.patch("postings.models.timezone.now", return_value=an_hour_later):
        reset(client, "ada@example.com")
    assert len(mailoutbox) == 4


def test_one_client_gets_at_most_twenty_account_mails_a_day(client, mailoutbox, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(25):
        UserFactory(email=f"user{n}@example.com")
    attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}

    for n in range(24):
        # A forged prefix does not make another client.
        forged = {**attacker, "HTTP_X_FORWARDED_FOR": f"192.0.2.{n}, 203.0.113.66"}
        reset(client, f"user{n}@example.com", **forged)
    assert len(mailoutbox) == 20

    reset(client, "user24@example.com", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9")
    assert len(mailoutbox) == 21


def test_invitations_to_one_address_are_limited_and_the_owner_is_told_the_same(
    client, owner, mailoutbox
):
    answers = [invite(client, owner, email="target@example.com") for _ in range(5)]

    assert len(mailoutbox) == 3
    assert Invitation.objects.count() == 3
    assert {answer["Location"] for answer in answers} == {reverse("recruiters:invitation_list")}
    shown = [str(m) for m in get_messages(answers[-1].wsgi_request)]
    assert shown == ["Invitation sent to target@example.com."] * 5


def test_one_account_sends_at_most_twenty_invitations_a_day_from_any_address(
    client, owner, mailoutbox
):
    for n in range(22):
        invite(client, owner, email=f"person{n}@example.com", REMOTE_ADDR=f"192.0.2.{n}")

    assert len(mailoutbox) == 20
    assert Invitation.objects.count() == 20


def test_sign_up_with_an_address_in_use_mails_it_within_the_same_limits(client, mailoutbox):
    UserFactory(username="grace@example.com", email="grace@example.com")

    for _ in range(5):
        client.post(reverse("signup"), signup_data())

    assert len(mailoutbox) == 3
    reset(client, "grace@example.com")
    assert len(mailoutbox) == 3  # the reset counts against the same address


# --- Publishing waits for a verified address ---------------------------------------------


def test_an_owner_whose_address_is_unverified_cannot_publish(client):
    membership = MembershipFactory(access=Membership.Access.OWNER, user__unverified=True)
    posting = PostingFactory(organisation=membership.organisation, draft=True)
    client.force_login(membership.user)

    response = client.post(reverse("recruiters:posting_publish", kwargs={"pk": posting.pk}))

    assert response["Location"] == reverse("recruiters:posting_manage", kwargs={"pk": posting.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Confirm your email address first" in page
    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT


def test_the_manage_page_does_not_publish_for_an_unverified_owner_either(client):
    membership = MembershipFactory(access=Membership.Access.OWNER, user__unverified=True)
    posting = PostingFactory(organisation=membership.organisation, draft=True)
    client.force_login(membership.user)

    url = reverse("recruiters:posting_manage", kwargs={"pk": posting.pk})
    response = client.post(url, {"intent": "publish", "title": posting.title})

    assert response["Location"] == url
    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT


# --- Simultaneous requests (PostgreSQL) --------------------------------------------------


def simultaneously(count, request):
    """Run `request(i)` in `count` threads released at once; their answers, in order."""
    barrier = threading.Barrier(count)
    answers = [None] * count

    def run(i):
        try:
            barrier.wait()
            answers[i] = request(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency needs PostgreSQL's row locks"
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_six_simultaneous_sign_ups_with_one_address_make_one_account_and_no_error(mailoutbox):
    clients = [Client() for _ in range(6)]

    answers = simultaneously(6, lambda i: clients[i].post(reverse("signup"), signup_data()))

    assert [answer.status_code for answer in answers] == [HTTPStatus.FOUND] * 6
    assert User.objects.filter(email="grace@example.com").count() == 1
    assert Organisation.objects.count() == Membership.objects.count() == 1
    assert [message.subject for message in mailoutbox].count(
        "Confirm your email address for Rolewise"
    ) == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_accepts_of_one_invitation_let_exactly_one_in(mailoutbox):
    invitation = InvitationFactory(email="nia@example.com")
    link = reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})
    data = {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    anonymous = [Client() for _ in range(3)]

    answers = simultaneously(3, lambda i: anonymous[i].post(link, data))

    assert all(answer.status_code < HTTPStatus.INTERNAL_SERVER_ERROR for answer in answers)
    assert sorted(answer.status_code for answer in answers) == [
        HTTPStatus.FOUND,
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.BAD_REQUEST,
    ]
    assert Membership.objects.filter(organisation=invitation.organisation).count() == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_joins_by_the_signed_in_invitee_make_one_membership():
    invitation = InvitationFactory(email="nia@example.com")
    user = UserFactory(email="nia@example.com")
    link = reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})
    signed_in = [Client() for _ in range(3)]
    for each in signed_in:
        each.force_login(user)

    answers = simultaneously(3, lambda i: signed_in[i].post(link))

    assert all(answer.status_code < HTTPStatus.INTERNAL_SERVER_ERROR for answer in answers)
    assert Membership.objects.filter(user=user).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_reset_requests_send_no_more_than_the_limit(mailoutbox):
    UserFactory(email="ada@example.com")
    clients = [Client() for _ in range(10)]

    answers = simultaneously(10, lambda i: reset(clients[i], "ada@example.com"))

    assert [answer.status_code for answer in answers] == [HTTPStatus.FOUND] * 10
    assert len(mailoutbox) == 3
