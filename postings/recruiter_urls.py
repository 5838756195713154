from django.urls import path

from postings.views import recruiters

app_name = "recruiters"

urlpatterns = [
    path("", recruiters.dashboard, name="dashboard"),
]
