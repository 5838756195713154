"""Account pages beyond Django's auth views: sign-up (job seekers and recruiters) and its
verification, logging in, password reset within the mail limits, invitations. Mounted
before django.contrib.auth.urls, so the pages here take the place of Django's own under the
same names."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from postings.views import accounts

# Django's login and logout views name the site after the request's host and port (the sites
# framework's RequestSite); pages carry the brand, whatever Host a client sent.
BRAND = {"site_name": settings.SITE_NAME}

urlpatterns = [
    path("signup/", accounts.signup, name="signup"),
    path("signup/done/", accounts.signup_done, name="signup_done"),
    path("verify/<str:token>/", accounts.email_verify, name="email_verify"),
    path("login/", accounts.LoginView.as_view(extra_context=BRAND), name="login"),
    path("logout/", auth_views.LogoutView.as_view(extra_context=BRAND), name="logout"),
    path("password_reset/", accounts.password_reset, name="password_reset"),
    path("reset/<uidb64>/<token>/", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
]
