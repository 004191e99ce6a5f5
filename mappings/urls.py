from django.urls import path

from mappings import views

PREFIX = "stores/<int:store_id>/mappings/"
OBJECT = PREFIX + "<str:source>/"

urlpatterns = [
    path(PREFIX, views.overview, name="store_mappings"),
    path(PREFIX + "validate/", views.validate, name="store_mappings_validate"),
    path(PREFIX + "reset/", views.reset, name="store_mappings_reset"),
    path(OBJECT, views.object_detail, name="store_mappings_object"),
    path(OBJECT + "preview/", views.preview, name="store_mappings_preview"),
    path(OBJECT + "suggestions/", views.suggestions, name="store_mappings_suggestions"),
    path(
        OBJECT + "suggestions/accept/",
        views.suggestion_answer,
        {"answer": "accept"},
        name="store_mappings_suggestion_accept",
    ),
    path(
        OBJECT + "suggestions/reject/",
        views.suggestion_answer,
        {"answer": "reject"},
        name="store_mappings_suggestion_reject",
    ),
    path(
        OBJECT + "refresh-fields/",
        views.refresh_fields,
        name="store_mappings_refresh_fields",
    ),
    path(OBJECT + "<slug:kind>/new/", views.rule_edit, name="store_mappings_rule_new"),
    path(OBJECT + "<slug:kind>/<int:rule_id>/", views.rule_edit, name="store_mappings_rule_edit"),
    path(
        OBJECT + "<slug:kind>/<int:rule_id>/delete/",
        views.rule_delete,
        name="store_mappings_rule_delete",
    ),
]
