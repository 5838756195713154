from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.http import require_safe

from jobsite import views
from postings.caching import public_page
from postings.sitemaps import sitemaps

admin.site.site_header = "Rolewise administration"
admin.site.site_title = "Rolewise admin"

urlpatterns = [
    path("", include("postings.urls")),
    path("recruiters/", include("postings.recruiter_urls")),
    path("accounts/", include("postings.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    # An index of sections, so the postings section can page past 50,000 URLs. Cached like
    # the public pages: until the next edit or expiry.
    path(
        "sitemap.xml",
        require_safe(public_page(sitemap_views.index, reads=("p",))),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(public_page(sitemap_views.sitemap, reads=("p",))),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
]
