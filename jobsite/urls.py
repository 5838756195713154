from django.contrib import admin
from django.urls import include, path, register_converter

from jobsite import views
from jobsite.converters import RowId
from postings import sitemaps

# Before the apps' URLs below, which use it.
register_converter(RowId, "id")

admin.site.site_header = "Rolewise administration"
admin.site.site_title = "Rolewise admin"

urlpatterns = [
    path("", include("postings.urls")),
    path("roles/", include("postings.role_urls")),
    path("companies/", include("postings.company_urls")),
    path("recruiters/", include("postings.recruiter_urls")),
    path("me/", include("seekers.urls")),
    path("accounts/", include("postings.account_urls")),
    path("alerts/", include("alerts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    # An index of section files, each at most 50,000 URLs (postings/sitemaps.py). Cached like
    # the public pages: until the next edit or expiry.
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
    # Uploaded logos on the filesystem storage (settings.MEDIA_URL).
    path("media/<path:name>", views.media_file, name="media_file"),
]
