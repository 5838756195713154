"""The role pages' addresses, in the `roles` namespace. The views live in postings because
they show a role with its open postings; what they say about the role comes from roles/."""

from django.urls import path

from postings.views import roles

app_name = "roles"

urlpatterns = [
    path("", roles.role_directory, name="role_directory"),
    path("compare/", roles.role_compare_picker, name="role_compare_picker"),
    # One segment, "<a>-vs-<b>": the view splits it, so slugs keep their hyphens.
    path("compare/<slug:pair>/", roles.role_compare, name="role_compare"),
    path("<slug:slug>/", roles.role_explainer, name="role_explainer"),
]
