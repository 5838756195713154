from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("new/", views.alert_create, name="alert_create"),
    path("new/sent/", views.alert_sent, name="alert_sent"),
    path("confirm/<str:token>/", views.alert_confirm, name="alert_confirm"),
    path("manage/<str:token>/", views.alert_manage, name="alert_manage"),
    path("unsubscribe/<str:token>/", views.alert_unsubscribe, name="alert_unsubscribe"),
]
