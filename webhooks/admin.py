from django.contrib import admin

from webhooks.models import RegisteredHook, WebhookEvent


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("id", "store", "scope", "source", "source_id", "status", "received_at", "run")
    list_filter = ("status", "source")
    search_fields = ("source_id", "scope", "hash")
    raw_id_fields = ("run",)
    readonly_fields = ("claim_token", "claimed_at", "processed_at")


@admin.register(RegisteredHook)
class RegisteredHookAdmin(admin.ModelAdmin):
    list_display = ("store", "scope", "hook_id", "is_active", "registered_at", "checked_at")
    list_filter = ("is_active",)
