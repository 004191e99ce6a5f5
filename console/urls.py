from django.urls import path

from console import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/workers/check/", views.check_workers, name="check_workers"),
]
