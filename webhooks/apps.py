from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self):
        # The signals forget the receiver's cache.
        from webhooks import signals  # noqa: F401
