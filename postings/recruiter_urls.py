from django.urls import path

from postings.views import notifications, organisation_settings, recruiters

app_name = "recruiters"

urlpatterns = [
    path("", recruiters.recruiters_home, name="dashboard"),
    path("organisation/new/", recruiters.organisation_create, name="organisation_create"),
    path("invitations/", recruiters.invitation_list, name="invitation_list"),
    path(
        "organisation/",
        organisation_settings.organisation_settings,
        name="organisation_settings",
    ),
    path("organisation/logo/", organisation_settings.organisation_logo, name="organisation_logo"),
    path(
        "organisation/members/<id:pk>/access/",
        organisation_settings.member_access,
        name="member_access",
    ),
    path(
        "organisation/members/<id:pk>/remove/",
        organisation_settings.member_remove,
        name="member_remove",
    ),
    path(
        "invitations/<id:pk>/revoke/",
        organisation_settings.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<id:pk>/resend/",
        organisation_settings.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "notifications/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
    path("extend/<str:token>/", notifications.posting_extend_link, name="posting_extend_link"),
    path("postings/new/", recruiters.posting_create, name="posting_create"),
    path("postings/new/checklist/", recruiters.posting_checklist, name="posting_checklist"),
    path(
        "postings/<id:pk>/checklist/",
        recruiters.posting_checklist,
        name="posting_checklist",
    ),
    path("postings/<id:pk>/", recruiters.posting_manage, name="posting_manage"),
    path("postings/<id:pk>/preview/", recruiters.posting_preview, name="posting_preview"),
    path("postings/<id:pk>/publish/", recruiters.posting_publish, name="posting_publish"),
    path("postings/<id:pk>/close/", recruiters.posting_close, name="posting_close"),
    path("postings/<id:pk>/reopen/", recruiters.posting_reopen, name="posting_reopen"),
    path("postings/<id:pk>/extend/", recruiters.posting_extend, name="posting_extend"),
    path("postings/<id:pk>/duplicate/", recruiters.posting_duplicate, name="posting_duplicate"),
]
