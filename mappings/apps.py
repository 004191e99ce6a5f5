from django.apps import AppConfig


class MappingsConfig(AppConfig):
    name = "mappings"

    def ready(self):
        from mappings.defaults import give_default_mappings
        from stores.signals import store_created

        store_created.connect(give_default_mappings, dispatch_uid="mappings.default_mappings")
