from django.dispatch import Signal

# Sent by `services.create_store` within its transaction, after the store and its first admin
# are saved: sender is Store, `store` the new store. The apps above stores give it what it
# starts with (mappings: the default settings and mappings).
store_created = Signal()
