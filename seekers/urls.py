from django.urls import path

from seekers import views

app_name = "seekers"

urlpatterns = [
    path("", views.my_jobs, name="my_jobs"),
    path("saved/<id:pk>/save/", views.saved_job_save, name="saved_job_save"),
    path("saved/<id:pk>/remove/", views.saved_job_remove, name="saved_job_remove"),
    path("data/", views.personal_data, name="personal_data"),
    path("delete/", views.account_delete, name="account_delete"),
]
