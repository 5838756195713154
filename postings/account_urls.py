"""Account pages beyond Django's auth views: recruiter sign-up and invitations."""

from django.urls import path

from postings.views import recruiters

urlpatterns = [
    path("signup/", recruiters.signup, name="signup"),
]
