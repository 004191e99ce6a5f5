from django.urls import path

from sandbox import api, views

emulators = "<str:emulator>"

urlpatterns = [
    path("", views.console, name="sandbox_console"),
    path(f"faults/{emulators}/", views.save_faults, name="sandbox_save_faults"),
    path("activity/", views.start_activity, name="sandbox_start_activity"),
    path("salesforce/expire-sessions/", views.expire_sessions, name="sandbox_expire_sessions"),
    path("salesforce/fields/", views.define_field, name="sandbox_define_field"),
    path(f"api/faults/{emulators}/", api.faults, name="sandbox_api_faults"),
    path("api/activity/", api.activity, name="sandbox_api_activity"),
]
