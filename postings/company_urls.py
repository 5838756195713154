"""The employers' public pages, in the `companies` namespace: the directory and a company page."""

from django.urls import path

from postings.views import companies

app_name = "companies"

urlpatterns = [
    path("", companies.company_list, name="company_list"),
    path("<slug:slug>/", companies.company_detail, name="company_detail"),
]
