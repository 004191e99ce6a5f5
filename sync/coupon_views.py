"""Coupon revenue's console page, in a store's mappings: its settings, its coupon table (code
→ Campaign) and the codes the last run found no Campaign for, read from the log. It lives
with the sync pages because it reads the log. Viewers read it; admins change it. No view calls
BigCommerce or Salesforce."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mappings.forms import CouponCampaignForm, CouponRevenueSettingForm
from mappings.models import CouponCampaign, ObjectSetting, SourceObject
from mappings.services import forget_validation, settings_of
from stores import access
from stores.models import Role
from sync import coupons


def coupon_list(request, store_id):
    """The page; a POST (admins) saves the settings."""
    needs = Role.ADMIN if request.method == "POST" else Role.VIEWER
    store = access.get_store(request.user, store_id, needs=needs)
    setting = _setting(store)
    can_admin = store.user_role == Role.ADMIN
    form = CouponRevenueSettingForm(request.POST or None, instance=setting) if can_admin else None
    if request.method == "POST" and form.is_valid():
        form.save()
        forget_validation(store)
        messages.success(request, "Coupon revenue: settings saved.")
        return redirect("coupon_list", store.pk)
    rows = list(setting.coupon_campaigns.all())
    run = coupons.last_run(store)
    context = {
        "store": store,
        "setting": setting,
        "form": form,
        "can_admin": can_admin,
        "rows": rows,
        "run": run,
        "unknown": coupons.unknown_codes(run, {row.key for row in rows}),
        "schedule": coupons.daily_schedule(store),
    }
    return render(request, "sync/coupon_list.html", context)


def coupon_create(request, store_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    row = CouponCampaign(setting=_setting(store))
    return _coupon_form(request, store, row, initial={"code": request.GET.get("code", "")})


def coupon_edit(request, store_id, coupon_id):
    store, row = _coupon_of(request, store_id, coupon_id)
    return _coupon_form(request, store, row)


@require_POST
def coupon_delete(request, store_id, coupon_id):
    store, row = _coupon_of(request, store_id, coupon_id)
    row.delete()
    messages.success(request, f"Coupon code {row.code} removed from the table.")
    return redirect("coupon_list", store.pk)


def _setting(store) -> ObjectSetting:
    settings_of(store)  # a store made before coupon revenue gets its setting
    return ObjectSetting.objects.get(store=store, source=SourceObject.COUPON_REVENUE)


def _coupon_of(request, store_id, coupon_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    return store, get_object_or_404(CouponCampaign, pk=coupon_id, setting=_setting(store))


def _coupon_form(request, store, row: CouponCampaign, initial=None):
    form = CouponCampaignForm(
        request.POST or None, instance=row, setting=row.setting, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Coupon code {saved.code} → Campaign {saved.campaign_id}.")
        return redirect("coupon_list", store.pk)
    context = {"store": store, "setting": row.setting, "form": form, "row": row}
    return render(request, "sync/coupon_form.html", context)
