from django.urls import path

from postings.views import recruiters

app_name = "recruiters"

urlpatterns = [
    path("", recruiters.dashboard, name="dashboard"),
    path("organisation/new/", recruiters.organisation_create, name="organisation_create"),
    path("invitations/", recruiters.invitation_list, name="invitation_list"),
    path("postings/new/", recruiters.posting_create, name="posting_create"),
    path("postings/<int:pk>/", recruiters.posting_manage, name="posting_manage"),
    path("postings/<int:pk>/preview/", recruiters.posting_preview, name="posting_preview"),
    path("postings/<int:pk>/publish/", recruiters.posting_publish, name="posting_publish"),
    path("postings/<int:pk>/close/", recruiters.posting_close, name="posting_close"),
    path("postings/<int:pk>/reopen/", recruiters.posting_reopen, name="posting_reopen"),
    path("postings/<int:pk>/extend/", recruiters.posting_extend, name="posting_extend"),
    path("postings/<int:pk>/duplicate/", recruiters.posting_duplicate, name="posting_duplicate"),
]
