"""No form input makes a page fail: property-based tests over every form, posted through its view.

Each example starts from a valid submission and replaces some fields (or adds unknown ones)
with arbitrary strings, numbers, unicode, NUL bytes, huge values and repeated keys. The
answer is never a server error. When it re-renders the form, every error belongs to a named
field (shown beside it) and nothing was saved; when it redirects, the redirect stays on the
site and the rows it saved belong together.

Each example runs in a savepoint that is rolled back after it, so examples do not see each
other's rows (a sign-up that succeeded does not make the next one's address taken).
"""

from __future__ import annotations

from contextlib import contextmanager
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.forms.forms import NON_FIELD_ERRORS
from django.urls import reverse
from django.utils.html import escape
from hypothesis import event, given
from hypothesis import strategies as st

from postings.account_forms import SignupForm
from postings.accounts import invitation_token
from postings.filters import PostingFilter
from postings.models import (
    Invitation,
    Membership,
    NotificationPreferences,
    Organisation,
    Posting,
    PostingEvent,
)
from seekers.models import SavedJob
from tests.factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    PostingFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import fuzzing, posting_data, signup_data

pytestmark = pytest.mark.django_db

User = get_user_model()

FUZZ = fuzzing(examples=25)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u200b",
    "\ufeff",
    "-1",
    "0",
    "1e999",
    "-0.0",
    "NaN",
    "Infinity",
    "9" * 40,
    "99999999999.995",
    "0x10",
    "1,000",
    "１２３",
    "٣",
    "2024-02-30",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "31/12/2030",
    "gb",
    "XX",
    "usd",
    "AED",
    "GB, IE;fr  de",
    "ß",
    "ǆ",
    "https://example.com/apply",
    "javascript:alert(1)",
    "//evil.example",
    "mailto:a@b.c",
    "a@b",
    "ADA@EXAMPLE.COM",
    "\U0001f600@example.com",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "𝒳" * 300,
]

hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
# One value, or the same key repeated.
hostile_values = st.one_of(hostile, st.lists(hostile, min_size=2, max_size=3))


def changes_to(fields: list[str]):
    """Some of the form's fields (and a few unknown keys) set to hostile values."""
    keys = st.one_of(st.sampled_from(fields), st.text(min_size=1, max_size=12))
    return st.dictionaries(keys, hostile_values, min_size=1, max_size=len(fields))


TABLES = [Posting, PostingEvent, User, Organisation, Membership, Invitation, SavedJob]


def counts() -> dict[str, int]:
    return {model.__name__: model._base_manager.count() for model in TABLES}


@contextmanager
def isolated():
    """Run one example in a savepoint and roll it back afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def check_answer(response, before: dict[str, int], *, allow_non_field: bool = False) -> None:
    """No failure; an invalid form is shown again with its errors beside named fields and
    nothing saved; a redirect stays on the site."""
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics shows the mix
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert b"Traceback" not in response.content
    if response.status_code in (HTTPStatus.FOUND, HTTPStatus.SEE_OTHER):
        # On this site: no scheme, no host (browsers read "/\\host" as "//host").
        location = response["Location"]
        parts = urlsplit(location.replace("\\", "/"))
        assert not parts.scheme, location
        assert not parts.netloc, location
        return
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST), response.status_code
    form = response.context["form"]
    assert form.errors, "a form shown again after a POST says what is wrong"
    html = response.content.decode()
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            assert allow_non_field, errors
        else:
            assert name in form.fields, name
            # Shown beside its field, which the error list names.
            assert f'id="{form[name].auto_id}_error"' in html, name
        for message in errors:
            assert escape(message) in html, message
    assert counts() == before, "an invalid form saved something"


def as_post_data(base: dict[str, str], changes: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = dict(base)
    data.update(changes)
    return data


# --- Accounts ----------------------------------------------------------------------------

SIGNUP = signup_data()


@FUZZ
@given(changes=changes_to(list(SIGNUP)))
def test_no_sign_up_form_input_fails_or_saves_half_an_account(client, changes):
    with isolated():
        before = counts()
        response = client.post(reverse("signup"), as_post_data(SIGNUP, changes))

        check_answer(response, before)
        if response.status_code == HTTPStatus.FOUND:
            # A user, an organisation and its ownership: all three, together.
            after = counts()
            assert after["User"] == before["User"] + 1
            assert after["Organisation"] == before["Organisation"] + 1
            assert after["Membership"] == before["Membership"] + 1
            client.logout()


@FUZZ
@given(changes=changes_to(["username", "password", "next"]))
def test_no_login_form_input_fails_or_leaves_the_site(client, changes):
    UserFactory(username="ada@example.com", email="ada@example.com")
    with isolated():
        before = counts()
        data = as_post_data({"username": "ada@example.com", "password": PASSWORD}, changes)
        response = client.post(reverse("login"), data)

        # A wrong email or password is the form's own error, not a field's.
        check_answer(response, before, allow_non_field=True)
        client.logout()


@FUZZ
@given(changes=changes_to(["email"]))
def test_no_password_reset_input_fails(client, mailoutbox, changes):
    UserFactory(username="ada@example.com", email="ada@example.com")
    with isolated():
        before = counts()
        response = client.post(
            reverse("password_reset"), as_post_data({"email": "ada@example.com"}, changes)
        )

        check_answer(response, before)


@FUZZ
@given(changes=changes_to(["name", "password1", "password2"]))
def test_no_invitation_sign_up_input_fails_or_saves_half_an_account(client, changes):
    invitation = InvitationFactory(email="grace@example.com")
    url = reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})
    base = {
        "name": "Grace Hopper",
        "password1": "compiler pioneer 1952",
        "password2": "compiler pioneer 1952",
    }
    with isolated():
        before = counts()
        response = client.post(url, as_post_data(base, changes))

        check_answer(response, before, allow_non_field=True)
        if response.status_code == HTTPStatus.FOUND:
            after = counts()
            assert after["User"] == before["User"] + 1
            assert after["Membership"] == before["Membership"] + 1
            invitation.refresh_from_db()
            assert invitation.accepted_at is not None
            client.logout()


SEEKER_SIGNUP = {
    key: value
    for key, value in signup_data(intent="seeker").items()
    if key not in SignupForm.ORGANISATION_FIELDS
}


@FUZZ
@given(changes=changes_to([*SEEKER_SIGNUP, *SignupForm.ORGANISATION_FIELDS]))
def test_no_seeker_sign_up_input_fails_or_saves_half_an_account(client, changes):
    with isolated():
        before = counts()
        response = client.post(reverse("signup"), as_post_data(SEEKER_SIGNUP, changes))

        check_answer(response, before)
        if response.status_code == HTTPStatus.FOUND:
            # An account, and an organisation with its ownership only for "I'm hiring".
            after = counts()
            assert after["User"] == before["User"] + 1
            made = after["Organisation"] - before["Organisation"]
            assert after["Membership"] - before["Membership"] == made
            assert made == (changes.get("intent") == "recruiter")


# --- A job seeker's own pages -------------------------------------------------------------


@FUZZ
@given(changes=changes_to(["password"]))
def test_no_account_delete_input_fails_or_deletes_without_the_password(client, changes):
    seeker = UserFactory(username="ada@example.com", email="ada@example.com")
    with isolated():
        client.force_login(seeker)
        before = counts()
        response = client.post(
            reverse("seekers:account_delete"), as_post_data({"password": PASSWORD}, changes)
        )

        check_answer(response, before)
        if response.status_code == HTTPStatus.FOUND:
            assert changes.get("password", PASSWORD) == PASSWORD
            assert not User.objects.filter(pk=seeker.pk).exists()
        client.logout()


@FUZZ
@given(changes=changes_to(["next"]))
def test_no_save_or_remove_input_fails_or_leaves_the_site(client, changes):
    seeker = UserFactory(username="ada@example.com", email="ada@example.com")
    posting = PostingFactory()
    client.force_login(seeker)
    for name in ("seekers:saved_job_save", "seekers:saved_job_remove"):
        with isolated():
            before = counts()
            response = client.post(
                reverse(name, kwargs={"pk": posting.pk}), as_post_data({}, changes)
            )

            assert response.status_code == HTTPStatus.FOUND
            check_answer(response, before)


# --- The recruiter side ------------------------------------------------------------------


@pytest.fixture
def member():
    return MembershipFactory(access=Membership.Access.OWNER)


@pytest.fixture
def role():
    return RoleFactory(title="Director of Operations", slug="director-of-operations")


def posting_base(role) -> dict[str, str]:
    # The recruiter tests' valid posting, with short texts so examples stay small.
    return posting_data(
        role,
        role=str(role.pk),
        description="Lead our operations team.",
        responsibilities="Run the sites.",
    )


POSTING_FIELDS = [*posting_base(RoleFactory.build(pk=1)), "intent"]


@FUZZ
@given(changes=changes_to(POSTING_FIELDS))
def test_no_new_posting_input_fails_or_saves_a_posting_without_its_history(
    client, member, role, changes
):
    client.force_login(member.user)
    with isolated():
        before = counts()
        response = client.post(
            reverse("recruiters:posting_create"), as_post_data(posting_base(role), changes)
        )

        check_answer(response, before)
        if response.status_code == HTTPStatus.FOUND:
            after = counts()
            assert after["Posting"] == before["Posting"] + 1
            assert after["PostingEvent"] == before["PostingEvent"] + 1
            assert Posting.objects.latest("pk").status == Posting.Status.DRAFT


@FUZZ
@given(changes=changes_to(POSTING_FIELDS))
def test_no_posting_edit_input_fails_or_changes_a_posting_it_refuses(client, member, role, changes):
    posting = PostingFactory(draft=True, organisation=member.organisation, role=role)
    client.force_login(member.user)
    url = reverse("recruiters:posting_manage", kwargs={"pk": posting.pk})
    with isolated():
        before = counts()
        stored = Posting.objects.filter(pk=posting.pk).values().get()
        response = client.post(url, as_post_data(posting_base(role), changes))

        check_answer(response, before)
        if response.status_code == HTTPStatus.OK:
            assert Posting.objects.filter(pk=posting.pk).values().get() == stored


# Where remote applicants may live: regions and countries, as the list sends them (one
# value each, repeated keys), typed by hand, and hostile.
REMOTE_AREAS = st.one_of(
    hostile,
    st.sampled_from(
        [
            "worldwide",
            "Europe",
            "european-union",
            "GB",
            "gb, ie",
            "asia africa europe north-america oceania",
            "worldwide GB",
            "XX",
            "europe\x00",
            "ＧＢ",
        ]
    ),
)
REMOTE_FIELDS = st.sampled_from(["remote_countries", "postal_code", "workplace"])


@FUZZ
@given(
    changes=st.dictionaries(
        REMOTE_FIELDS,
        st.one_of(REMOTE_AREAS, st.just("remote"), st.lists(REMOTE_AREAS, min_size=2, max_size=6)),
        min_size=1,
    )
)
def test_no_remote_area_or_postal_code_input_fails_or_saves_a_place_no_one_can_read(
    client, member, role, changes
):
    client.force_login(member.user)
    with isolated():
        before = counts()
        response = client.post(
            reverse("recruiters:posting_create"), as_post_data(posting_base(role), changes)
        )

        check_answer(response, before)
        if response.status_code == HTTPStatus.FOUND:
            posting = Posting.objects.latest("pk")
            posting.full_clean()  # Regions known, countries ISO codes, lengths in bounds.
            if posting.is_remote:
                assert posting.remote_regions or posting.remote_countries


@FUZZ
@given(changes=changes_to(["name", "website"]))
def test_no_organisation_form_input_fails_or_saves_an_organisation_without_its_owner(
    client, changes
):
    user = UserFactory()
    client.force_login(user)
    with isolated():
        before = counts()
        response = client.post(
            reverse("recruiters:organisation_create"),
            as_post_data({"name": "Acme", "website": ""}, changes),
        )

        check_answer(response, before)
        if response.status_code == HTTPStatus.FOUND:
            assert Membership.objects.filter(user=user, access=Membership.Access.OWNER).exists()


SETTINGS_FIELDS = ["name", "website", "description", "industry", "size", "headquarters"]


@FUZZ
@given(changes=changes_to(SETTINGS_FIELDS))
def test_no_organisation_settings_input_fails_or_changes_what_it_refuses(client, member, changes):
    client.force_login(member.user)
    base = {"name": "Acme", "website": "", "description": "", "industry": "", "size": "",
            "headquarters": ""}  # fmt: skip
    with isolated():
        before = counts()
        stored = Organisation.objects.filter(pk=member.organisation.pk).values().get()
        response = client.post(
            reverse("recruiters:organisation_settings"), as_post_data(base, changes)
        )

        check_answer(response, before)
        if response.status_code == HTTPStatus.OK:
            assert Organisation.objects.filter(pk=member.organisation.pk).values().get() == stored


@FUZZ
@given(
    content=st.one_of(st.binary(max_size=300), st.sampled_from(NASTY).map(str.encode)),
    name=st.one_of(st.sampled_from(["logo.png", "logo.svg", "", "x" * 300]), hostile),
    extra=changes_to(["remove", "logo"]),
)
def test_no_logo_upload_fails_or_keeps_what_is_not_an_image(client, member, content, name, extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member.user)
    extra.pop("remove", None)
    extra.pop("logo", None)
    with isolated():
        upload = SimpleUploadedFile(name.replace("\x00", "") or "f", content)
        response = client.post(reverse("recruiters:organisation_logo"), {**extra, "logo": upload})

        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert Organisation.objects.get(pk=member.organisation.pk).logo_digest == ""


@pytest.mark.parametrize("access", ["", "admin", "OWNER", "\x00", "x" * 5000])
def test_no_member_access_value_fails_or_changes_the_access(client, member, access):
    colleague = MembershipFactory(organisation=member.organisation)
    client.force_login(member.user)

    response = client.post(
        reverse("recruiters:member_access", kwargs={"pk": colleague.pk}), {"access": access}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Membership.objects.get(pk=colleague.pk).access == Membership.Access.RECRUITER


@FUZZ
@given(changes=changes_to(["email"]))
def test_no_invitation_form_input_fails(client, member, mailoutbox, changes):
    client.force_login(member.user)
    with isolated():
        before = counts()
        response = client.post(
            reverse("recruiters:invitation_list"),
            as_post_data({"email": "colleague@example.com"}, changes),
        )

        check_answer(response, before)


@FUZZ
@given(changes=changes_to(["days", "next"]))
def test_no_extend_input_fails(client, member, changes):
    posting = PostingFactory(organisation=member.organisation)
    client.force_login(member.user)
    with isolated():
        response = client.post(
            reverse("recruiters:posting_extend", kwargs={"pk": posting.pk}),
            as_post_data({"days": "30"}, changes),
        )

        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/recruiters/")


@FUZZ
@given(changes=changes_to(["posting_reviewed", "posting_expiring", "invitation_accepted", "user"]))
def test_no_notification_preferences_input_fails_or_touches_another_user(client, member, changes):
    MembershipFactory(organisation=member.organisation)  # a colleague, whose row stays unmade
    client.force_login(member.user)
    with isolated():
        response = client.post(reverse("recruiters:notification_preferences"), changes)

        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("recruiters:notification_preferences")
        assert list(NotificationPreferences.objects.values_list("user", flat=True)) == [
            member.user.pk
        ]


# --- Public filter forms -----------------------------------------------------------------


@pytest.fixture
def uncached(settings):
    """Render every public page afresh: these tests read the form from the page's context,
    which a page served from the cache does not have."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@FUZZ
@given(changes=changes_to(["function", "level"]))
def test_no_role_directory_filter_fails(client, uncached, role, changes):
    response = client.get(reverse("roles:role_directory"), changes)

    assert response.status_code == HTTPStatus.OK
    form = response.context["filter"].form
    html = response.content.decode()
    for name, errors in form.errors.items():
        assert name in form.fields, name
        for message in errors:
            assert escape(message) in html, message


# Every parameter the search reads, and the page number.
SEARCH_FIELDS = [*PostingFilter.base_filters, "page"]


@FUZZ
@given(changes=changes_to(SEARCH_FIELDS))
def test_no_search_form_input_fails_and_errors_name_their_field(client, uncached, role, changes):
    PostingFactory(role=role)

    response = client.get(reverse("postings:posting_list"), changes)

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
    form = response.context["form"]
    html = response.content.decode()
    for name, errors in form.errors.items():
        assert name in form.fields, name
        for message in errors:
            assert escape(message) in html, message
