"""Account pages beyond Django's auth views: recruiter sign-up and invitations. Mounted before
django.contrib.auth.urls, so the login page here asks for an email address."""

from django.contrib.auth import views as auth_views
from django.urls import path

from postings.forms import LoginForm
from postings.views import recruiters

urlpatterns = [
    path("signup/", recruiters.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("invitations/<str:token>/", recruiters.invitation_accept, name="invitation_accept"),
]
