"""What an alert searches: a search page's filter form, kept as its canonical query string,
its description in words, and the postings it finds, read again without a query of its own.

postings.filters.PostingFilter says what a search is, once: `filter_form()` is its
canonical parameters (keywords that named a filter become that filter: `q=remote coo` →
`q=coo&workplace=remote`), `heading()` its words. An alert keeps both when it is made. The
run reads the kept keywords as they are: they were read (shorthand, spelling, the filters
they name) when the alert was made, and reading them again for every run would cost the
queries the run has no room for.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.text import Truncator

from postings import spelling, understanding
from postings.filters import PostingFilter
from postings.models import Posting, PostingQuerySet

# Filters that say how old a posting may be mean nothing to an alert: what it sends is new.
NOT_FOR_ALERTS = ("posted_within", "sort", "page")
# Said beside the heading, which does not name them.
EXTRA_TERMS = ("salary_min", "paid_in")
DESCRIPTION_LENGTH = 300


@dataclass(frozen=True)
class AlertSearch:
    query: str
    description: str

    @classmethod
    def from_request(cls, data: QueryDict) -> AlertSearch:
        """The search a search page's parameters make (those it cannot read left out, as
        the page leaves them out), without what an alert has no use for."""
        filterset = PostingFilter(data, queryset=Posting.objects.public())
        form = filterset.filter_form()
        for name in NOT_FOR_ALERTS:
            form.pop(name, None)
        extras = [term.text() for term in filterset.terms() if term.name in EXTRA_TERMS]
        description = ", ".join([filterset.heading(), *extras])
        return cls(form.urlencode(), Truncator(description).chars(DESCRIPTION_LENGTH))


def matching(query: str, role_ids: dict[str, int]) -> PostingQuerySet:
    """The public postings an alert's search `query` finds, built without a query: the role
    from `role_ids` (slug → id of the published roles), the keywords as kept. A role no
    longer published finds nothing, rather than every role's postings."""
    data = QueryDict(query, mutable=True)
    postings = Posting.objects.public()
    slug = data.pop("role", [""])[-1]
    if slug:
        if slug not in role_ids:
            return postings.none()
        postings = postings.filter(role_id=role_ids[slug])
    filterset = PostingFilter(data, queryset=postings)
    words = filterset.typed_params.get("q", "")
    filterset.interpretation = (  # read already: see the docstring
        spelling.Reading(words, words),
        understanding.Understanding(words),
    )
    return filterset.narrow(postings)
