from django.urls import path

from webhooks import views

urlpatterns = [
    path(
        "webhooks/bigcommerce/<int:store_id>/",
        views.bigcommerce_callback,
        name="webhook_receiver",
    ),
    path(
        "webhooks/salesforce/<int:store_id>/",
        views.salesforce_trigger,
        name="salesforce_trigger",
    ),
    path(
        "stores/<int:store_id>/webhooks/salesforce-token/",
        views.salesforce_trigger_token,
        name="salesforce_trigger_token",
    ),
    path("stores/<int:store_id>/webhooks/", views.webhook_status, name="webhook_status"),
    path(
        "stores/<int:store_id>/webhooks/register/",
        views.webhook_register,
        name="webhook_register",
    ),
    path(
        "stores/<int:store_id>/webhooks/unregister/",
        views.webhook_unregister,
        name="webhook_unregister",
    ),
    path(
        "stores/<int:store_id>/webhooks/replay/",
        views.webhook_replay_failed,
        name="webhook_replay_failed",
    ),
    path(
        "stores/<int:store_id>/webhooks/events/<int:event_id>/",
        views.webhook_event,
        name="webhook_event",
    ),
    path(
        "stores/<int:store_id>/webhooks/events/<int:event_id>/replay/",
        views.webhook_event_replay,
        name="webhook_event_replay",
    ),
]
