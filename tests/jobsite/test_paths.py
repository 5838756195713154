"""jobsite.paths: the same paths as reverse(), for less."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from jobsite.paths import fixed_path, row_path


@pytest.mark.parametrize(
    ("name", "kwarg", "value"),
    [
        ("postings:posting_detail", "slug", "operations-director-at-acme-3"),
        ("companies:company_detail", "slug", "acme"),
        ("seekers:saved_job_save", "pk", 42),
        ("seekers:saved_job_remove", "pk", 7),
    ],
)
def test_a_row_path_is_the_path_reverse_gives(name, kwarg, value):
    assert row_path(name, value, kwarg=kwarg) == reverse(name, kwargs={kwarg: value})


def test_a_fixed_path_is_the_path_reverse_gives():
    assert fixed_path("login") == reverse("login")


def test_paths_follow_the_script_prefix():
    try:
        set_script_prefix("/site/")
        assert row_path("postings:posting_detail", "a-job") == "/site/jobs/a-job/"
        assert fixed_path("login") == "/site/accounts/login/"
    finally:
        set_script_prefix("/")
    assert row_path("postings:posting_detail", "a-job") == "/jobs/a-job/"


def test_a_pattern_without_the_argument_is_refused():
    with pytest.raises(NoReverseMatch):
        row_path("login", "x")
