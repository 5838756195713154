"""The sitemap: the fixed pages, published role explainers and open postings.

Postings come from `Posting.objects.public()`, so an expired or closed posting leaves the
sitemap the moment it leaves search. Each section holds at most 50,000 URLs (the sitemap
protocol's limit, Django's default `limit`); past that Django pages the section with `?p=`,
which needs the sitemap index view in front of the sections to be found.
"""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from postings.models import Posting
from roles.models import Role


class PageSitemap(Sitemap):
    """The pages that are always there: home, the role directory and the job search."""

    changefreq = "daily"

    def items(self) -> list[str]:
        return ["postings:home", "postings:role_directory", "postings:posting_list"]

    def location(self, item: str) -> str:
        return reverse(item)


class RoleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet[Role]:
        return Role.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, role: Role) -> datetime:
        return role.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        # Django's default loads every item to find the newest; one aggregate does.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class PostingSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Posting]:
        return Posting.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, posting: Posting) -> datetime:
        return posting.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


sitemaps = {"pages": PageSitemap, "roles": RoleSitemap, "postings": PostingSitemap}
