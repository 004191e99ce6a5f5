from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Sync"

    def ready(self):
        from django.db.models.signals import post_save

        from mappings.models import ObjectSetting
        from sync.schedules import ensure_schedules

        def schedule_objects(sender, instance, **kwargs):
            ensure_schedules(instance)

        post_save.connect(schedule_objects, sender=ObjectSetting, weak=False)
