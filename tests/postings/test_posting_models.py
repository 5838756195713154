"""Posting's database constraints, derived fields and the one rule for what the public sees."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from postings.models import Posting, SalaryPeriod
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
