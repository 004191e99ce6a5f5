from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Sync"

    def ready(self):
        from django.db.models.signals import post_save

        from mappings.models import ObjectSetting
        from sync.schedules import ensure_export_schedule

        def schedule_exports(sender, instance, **kwargs):
            ensure_export_schedule(instance)

        post_save.connect(schedule_exports, sender=ObjectSetting, weak=False)
