"""The roles' part of the sitemap: one URL per published role's explainer."""

from jobsite.sitemaps import RowSection
from roles.models import Role

EXPLAINERS = RowSection(lambda: Role.objects.published(), "roles:role_explainer", "monthly")
