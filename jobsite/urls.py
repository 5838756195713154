from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_page

from jobsite import views
from postings.sitemaps import sitemaps

admin.site.site_header = "Rolewise administration"
admin.site.site_title = "Rolewise admin"

urlpatterns = [
    path("", include("postings.urls")),
    path("recruiters/", include("postings.recruiter_urls")),
    path("accounts/", include("postings.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        cache_page(60 * 15)(sitemap),
        {"sitemaps": sitemaps},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
]
