"""The job search form: a FilterSet over public postings."""

import django_filters

from postings.models import Posting


class PostingFilter(django_filters.FilterSet):
    """TODO(search): the full search form; this minimal one keeps feeds importable."""

    class Meta:
        model = Posting
        fields = ["employment_type", "workplace", "country"]
