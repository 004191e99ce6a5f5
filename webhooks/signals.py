"""The receiver's cached view of a store is forgotten whenever the store or its settings change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from mappings.models import ObjectSetting
from stores.models import Store
from webhooks.receiver import forget_receiving


@receiver([post_save, post_delete], sender=Store)
def store_changed(sender, instance, **kwargs):
    forget_receiving(instance.pk)


@receiver([post_save, post_delete], sender=ObjectSetting)
def setting_changed(sender, instance, **kwargs):
    forget_receiving(instance.store_id)
