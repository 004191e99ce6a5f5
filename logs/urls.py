from django.urls import path

from logs import record_views, views

urlpatterns = [
    path("logs/", views.log_list, name="log_list"),
    path("logs/resync/", views.log_resync_many, name="log_resync_many"),
    path("logs/<int:entry_id>/", views.log_detail, name="log_detail"),
    path("logs/<int:entry_id>/resync/", views.log_resync, name="log_resync"),
    path("logs/<int:entry_id>/resync-record/", views.log_resync_record, name="log_resync_record"),
    path(
        "stores/<int:store_id>/records/<str:source>/<str:source_id>/view/",
        record_views.record_detail,
        name="record_detail",
    ),
    path(
        "stores/<int:store_id>/records/<str:source>/<str:source_id>/view/live/",
        record_views.record_live,
        name="record_live",
    ),
]
