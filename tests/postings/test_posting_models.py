"""Posting's database constraints, derived fields and the one rule for what the public sees."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from postings import models
from postings.models import AlreadyDone, Organisation, Posting, PostingChanged, SalaryPeriod
from tests.factories import OrganisationFactory, PostingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"salary_min": Decimal(90_000), "salary_max": Decimal(80_000)}, id="min>max"),
        pytest.param({"salary_currency": ""}, id="salary-without-currency"),
        pytest.param({"salary_min": Decimal(-1), "salary_max": None}, id="negative-salary"),
        pytest.param(
            {"valid_through": timezone.now() - timedelta(days=2)},
            id="valid-through-before-published",
        ),
        pytest.param({"published_at": None, "valid_through": None}, id="published-without-date"),
        pytest.param({"apply_url": "", "apply_email": ""}, id="no-apply-route"),
    ],
)
def test_a_posting_that_breaks_a_rule_is_refused_by_the_database(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PostingFactory(**fields)


def test_a_draft_may_do_without_an_apply_route():
    posting = PostingFactory(draft=True, apply_url="", apply_email="")

    assert Posting.objects.filter(pk=posting.pk).exists()


def test_two_postings_cannot_share_a_slug():
    PostingFactory(slug="operations-director")

    with pytest.raises(IntegrityError), transaction.atomic():
        PostingFactory(slug="operations-director")


def slug_found_free(monkeypatch, *slugs):
    """Make unique_slug answer `slugs` first, as for a request that looked for a free slug
    just before another request saved it."""
    answers = iter(slugs)
    original = models.unique_slug
    monkeypatch.setattr(
        models, "unique_slug", lambda model, text: next(answers, None) or original(model, text)
    )


def test_a_slug_taken_between_choosing_and_saving_is_replaced_by_a_free_one(monkeypatch):
    taken = PostingFactory(slug="operations-manager-harbourline-foods", title="Operations Manager")
    slug_found_free(monkeypatch, taken.slug)

    posting = Posting(
        organisation=taken.organisation,
        role=taken.role,
        title="Operations Manager",
        description="Run the warehouse.",
    )
    posting.create(by=None)

    assert posting.slug not in ("", taken.slug)
    assert Posting.objects.count() == 2


def test_a_slug_that_keeps_clashing_gets_a_random_suffix(monkeypatch):
    taken = OrganisationFactory(slug="harbourline-foods", name="Harbourline Foods")
    slug_found_free(monkeypatch, *[taken.slug] * models.SLUG_ATTEMPTS)

    organisation = Organisation.objects.create(name="Harbourline Foods")

    assert organisation.slug.startswith("harbourline-foods-")
    assert organisation.slug != taken.slug


def test_another_broken_rule_is_not_mistaken_for_a_slug_clash():
    with pytest.raises(IntegrityError), transaction.atomic():
        PostingFactory(slug="", salary_min=Decimal(90_000), salary_max=Decimal(80_000))


def test_a_second_close_says_it_is_done_already_and_records_nothing_more():
    posting = PostingFactory()
    stale = Posting.objects.get(pk=posting.pk)
    posting.close(by=None)

    with pytest.raises(AlreadyDone, match="closed already"):
        stale.close(by=None)

    assert posting.events.count() == 1


def test_an_approval_names_the_revision_it_saw():
    posting = PostingFactory(status=Posting.Status.IN_REVIEW, published_at=None)
    seen = posting.revision
    posting.title = "Edited after review"
    posting.edit(by=None)

    with pytest.raises(PostingChanged):
        posting.approve(by=None, revision=seen)
    posting.approve(by=None, revision=posting.revision)

    posting.refresh_from_db()
    assert (posting.status, posting.title) == (Posting.Status.PUBLISHED, "Edited after review")


def test_a_change_to_a_public_posting_waits_beside_the_approved_columns():
    posting = PostingFactory(title="Approved", salary_max=Decimal(80_000))
    posting.title, posting.salary_max = "Proposed", Decimal(95_000)

    posting.edit(by=None, require_review=True)

    stored = Posting.objects.get(pk=posting.pk)
    assert (stored.title, stored.salary_max, posting.title) == ("Approved", 80_000, "Approved")
    assert stored.pending_changes == {"title": "Proposed", "salary_max": "95000"}
    proposed = stored.proposed()
    assert (proposed.title, proposed.salary_max) == ("Proposed", Decimal(95_000))
    assert proposed.salary_max_annual == Decimal(95_000)
    assert list(Posting.objects.public()) == [stored]
    assert not Posting.objects.public().filter(title="Proposed").exists()


def test_saving_fills_the_yearly_salary_and_a_slug():
    posting = PostingFactory(
        slug="",
        title="Operations Manager",
        organisation=OrganisationFactory(name="Harbourline Foods"),
        salary_min=Decimal("30"),
        salary_max=Decimal("40"),
        salary_period=SalaryPeriod.HOUR,
    )

    assert posting.slug == "operations-manager-harbourline-foods"
    assert posting.salary_min_annual == Decimal("62400")
    assert posting.salary_max_annual == Decimal("83200")


def test_public_lists_only_open_postings_of_active_organisations():
    open_posting = PostingFactory(title="Open")
    PostingFactory(title="Draft", draft=True)
    PostingFactory(title="In review", status=Posting.Status.IN_REVIEW, published_at=None)
    PostingFactory(title="Closed", closed=True)
    PostingFactory(title="Expired", expired=True)
    PostingFactory(
        title="Scheduled",
        published_at=timezone.now() + timedelta(days=1),
        valid_through=timezone.now() + timedelta(days=30),
    )
    PostingFactory(title="Suspended", organisation=OrganisationFactory(is_suspended=True))
    no_end = PostingFactory(title="No end date", valid_through=None)

    assert set(Posting.objects.public()) == {open_posting, no_end}


def test_suspending_an_organisation_hides_its_postings_at_once():
    posting = PostingFactory()
    assert posting in Posting.objects.public()

    posting.organisation.is_suspended = True
    posting.organisation.save()

    assert posting not in Posting.objects.public()


def test_reachable_keeps_closed_and_expired_postings_but_says_they_are_not_open():
    open_posting = PostingFactory(title="Open")
    PostingFactory(title="Draft", draft=True)
    PostingFactory(title="In review", status=Posting.Status.IN_REVIEW, published_at=None)
    closed = PostingFactory(title="Closed", closed=True)
    expired = PostingFactory(title="Expired", expired=True)
    PostingFactory(
        title="Scheduled",
        published_at=timezone.now() + timedelta(days=1),
        valid_through=timezone.now() + timedelta(days=30),
    )
    PostingFactory(title="Suspended", organisation=OrganisationFactory(is_suspended=True))

    reachable = {posting.title: posting.is_open for posting in Posting.objects.reachable()}

    assert reachable == {open_posting.title: True, closed.title: False, expired.title: False}


@pytest.mark.parametrize(
    ("traits", "offers"),
    [
        pytest.param({"draft": True}, {"can_publish"}, id="draft"),
        pytest.param({}, {"can_close", "can_extend", "is_live"}, id="published"),
        pytest.param({"expired": True}, {"can_close", "can_extend", "is_expired"}, id="expired"),
        pytest.param({"closed": True}, {"can_reopen"}, id="closed"),
    ],
)
def test_a_posting_offers_the_actions_its_state_allows_and_no_others(traits, offers):
    posting = PostingFactory(**traits)
    names = {"can_publish", "can_close", "can_extend", "can_reopen", "is_live", "is_expired"}

    assert {name for name in names if getattr(posting, name)} == offers


def test_a_duplicate_copies_the_declared_fields_and_starts_its_own_validity():
    source = PostingFactory(
        city="Leeds", remote_countries="GB IE", salary_min=Decimal(50_000), apply_email="a@b.org"
    )

    draft = source.duplicate(by=None)

    assert "valid_through" not in Posting.COPIED_FIELDS
    for name in Posting.COPIED_FIELDS:
        assert draft.field_text(name) == source.field_text(name), name
    assert draft.valid_through is None
    assert draft.is_draft


def test_an_edit_and_publish_of_a_posting_published_meanwhile_saves_neither():
    posting = PostingFactory(draft=True, title="Operations Manager")
    Posting.objects.get(pk=posting.pk).publish(by=None, require_review=False)
    posting.title = "Operations Lead"

    with pytest.raises(AlreadyDone):
        posting.edit_and_publish(by=None, fields=["title"])

    assert Posting.objects.get(pk=posting.pk).title == "Operations Manager"


def test_reopening_after_the_validity_passed_renews_it_as_publishing_does():
    posting = PostingFactory(closed=True, valid_through=timezone.now() + timedelta(hours=1))
    Posting.objects.filter(pk=posting.pk).update(valid_through=timezone.now() - timedelta(hours=1))
    posting.refresh_from_db()

    posting.reopen(by=None)

    assert posting.valid_through > timezone.now() + Posting.DEFAULT_VALIDITY - timedelta(minutes=1)
    event = posting.events.get(action="reopened")
    assert list(event.changes) == ["valid_through"]
