from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self):
        # The signals forget the receiver's cache; the tasks are registered for webhooks.enqueue,
        # which queues them by name.
        from webhooks import signals, tasks  # noqa: F401
