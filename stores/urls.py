from django.urls import path

from stores import views

urlpatterns = [
    path("stores/", views.store_list, name="store_list"),
    path("stores/new/", views.store_create, name="store_create"),
    path("stores/<int:store_id>/", views.store_detail, name="store_detail"),
    path("stores/<int:store_id>/edit/", views.store_edit, name="store_edit"),
    path("stores/<int:store_id>/members/", views.store_members, name="store_members"),
    path(
        "stores/<int:store_id>/members/<int:membership_id>/role/",
        views.member_change_role,
        name="member_change_role",
    ),
    path(
        "stores/<int:store_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/new/", views.org_create, name="org_create"),
    path("orgs/<int:org_id>/", views.org_detail, name="org_detail"),
    path("orgs/<int:org_id>/edit/", views.org_edit, name="org_edit"),
    path("orgs/<int:org_id>/connect/", views.org_connect, name="org_connect"),
    path("orgs/<int:org_id>/check/", views.org_check, name="org_check"),
    path(
        "orgs/<int:org_id>/refresh-fields/",
        views.org_refresh_fields,
        name="org_refresh_fields",
    ),
    path("stores/<int:store_id>/check/", views.store_check, name="store_check"),
    path(
        "oauth/salesforce/callback/",
        views.salesforce_oauth_callback,
        name="salesforce_oauth_callback",
    ),
]
