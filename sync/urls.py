from django.urls import path, register_converter

from sync import coupon_views, plan_views, preview_views, record_views, views
from sync.objects import OBJECTS


class ListedObjectConverter:
    """The slug of a listed object (customers, orders, ...): other words are not its URLs."""

    regex = "|".join(OBJECTS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ListedObjectConverter, "listed")

urlpatterns = [
    path(
        "stores/<int:store_id>/mappings/<str:source>/preview/records/",
        preview_views.preview_records,
        name="store_mappings_preview_records",
    ),
    path("records/", views.record_list, name="record_list"),
    path("stores/<int:store_id>/runs/", views.run_list, name="run_list"),
    path("stores/<int:store_id>/runs/start/", views.run_start, name="run_start"),
    path(
        "stores/<int:store_id>/runs/start-everything/",
        views.run_start_everything,
        name="run_start_everything",
    ),
    path("stores/<int:store_id>/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("stores/<int:store_id>/plans/", plan_views.plan_create, name="plan_create"),
    path("stores/<int:store_id>/plans/<int:plan_id>/", plan_views.plan_detail, name="plan_detail"),
    path(
        "stores/<int:store_id>/plans/<int:plan_id>/progress/",
        plan_views.plan_progress,
        name="plan_progress",
    ),
    path(
        "stores/<int:store_id>/plans/<int:plan_id>/apply/",
        plan_views.plan_apply,
        name="plan_apply",
    ),
    path(
        "stores/<int:store_id>/runs/<int:run_id>/progress/",
        views.run_progress,
        name="run_progress",
    ),
    path("stores/<int:store_id>/runs/<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path(
        "stores/<int:store_id>/runs/<int:run_id>/resync-failed/",
        views.run_resync_failed,
        name="run_resync_failed",
    ),
    path("stores/<int:store_id>/records/import/", views.record_import, name="record_import"),
    path("stores/<int:store_id>/records/export/", views.record_export, name="record_export"),
    path(
        "stores/<int:store_id>/records/<listed:object>/",
        record_views.object_records,
        name="object_records",
    ),
    path(
        "stores/<int:store_id>/records/<listed:object>/not-imported/",
        record_views.records_not_imported,
        name="records_not_imported",
    ),
    path(
        "stores/<int:store_id>/records/<listed:object>/not-imported/import/",
        record_views.records_import_not_imported,
        name="records_import_not_imported",
    ),
    path(
        "stores/<int:store_id>/records/<listed:object>/choices/",
        record_views.record_list_choices,
        name="record_list_choices",
    ),
    path(
        "stores/<int:store_id>/records/<listed:object>/views/",
        record_views.record_list_view_save,
        name="record_list_view_save",
    ),
    path(
        "stores/<int:store_id>/records/<listed:object>/views/<int:view_id>/delete/",
        record_views.record_list_view_delete,
        name="record_list_view_delete",
    ),
    path(
        "stores/<int:store_id>/records/<listed:object>/actions/",
        record_views.records_action,
        name="records_action",
    ),
    path(
        "stores/<int:store_id>/records/<listed:object>/<int:link_id>/delete/",
        record_views.record_link_delete,
        name="record_link_delete",
    ),
    path("stores/<int:store_id>/schedules/", views.schedule_list, name="schedule_list"),
    path("stores/<int:store_id>/schedules/new/", views.schedule_create, name="schedule_create"),
    path(
        "stores/<int:store_id>/schedules/<int:schedule_id>/",
        views.schedule_edit,
        name="schedule_edit",
    ),
    path(
        "stores/<int:store_id>/schedules/<int:schedule_id>/delete/",
        views.schedule_delete,
        name="schedule_delete",
    ),
    # Coupon revenue's page in the store's mappings (the mappings object page sends it here).
    path("stores/<int:store_id>/coupons/", coupon_views.coupon_list, name="coupon_list"),
    path("stores/<int:store_id>/coupons/new/", coupon_views.coupon_create, name="coupon_create"),
    path(
        "stores/<int:store_id>/coupons/<int:coupon_id>/",
        coupon_views.coupon_edit,
        name="coupon_edit",
    ),
    path(
        "stores/<int:store_id>/coupons/<int:coupon_id>/delete/",
        coupon_views.coupon_delete,
        name="coupon_delete",
    ),
]
