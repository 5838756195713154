"""The roles' part of the sitemap: one URL per published role's explainer, without a lastmod
(an explainer lists its role's open postings, so no edit dates it, and it sends no
Last-Modified)."""

from jobsite.sitemaps import RowSection
from roles.models import Role

EXPLAINERS = RowSection(lambda: Role.objects.published(), "roles:role_explainer", "monthly")
