"""The console pages that edit a store's mappings. Viewers read them; only admins change them."""

import json

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from integrations.errors import APIError
from mappings import pickers, services
from mappings import suggestions as suggest
from mappings.defaults import apply_default_template
from mappings.export_targets import target_of
from mappings.forms import (
    RULE_KINDS,
    ObjectSettingForm,
    PreviewForm,
    RecordPickForm,
    SuggestionForm,
)
from mappings.models import FieldMapping, ObjectSetting, SourceObject
from stores import access
from stores.models import Role
from stores.services import forget_org_schema


def overview(request, store_id):
    store = access.get_store(request.user, store_id)
    validation = services.last_validation(store)
    rows = [
        (
            setting,
            validation.of(setting.source) if validation else [],
            validation.warnings_of(setting.source) if validation else [],
        )
        for setting in services.settings_of(store)
    ]
    return render(
        request,
        "mappings/overview.html",
        {"store": store, "rows": rows, "validation": validation},
    )


def object_detail(request, store_id, source):
    needs = Role.ADMIN if request.method == "POST" else Role.VIEWER
    store = access.get_store(request.user, store_id, needs=needs)
    setting = _setting(store, source)
    if setting.source == SourceObject.COUPON_REVENUE:
        # It has no field mappings: its page is its coupon table (sync's, as it reads the log).
        return redirect("coupon_list", store.pk)
    form = None
    if store.user_role == Role.ADMIN:
        form = ObjectSettingForm(request.POST or None, instance=setting)
    if request.method == "POST" and form.is_valid():
        form.save()
        _changed(request, store, f"{setting.get_source_display()}: settings saved.")
        return redirect("store_mappings_object", store.pk, setting.source)
    validation = services.last_validation(store)
    context = {
        "store": store,
        "setting": setting,
        "form": form,
        "can_edit": form is not None,
        "validation": validation,
        "sections": services.target_sections(
            setting,
            validation.of(setting.source) + validation.warnings_of(setting.source)
            if validation
            else [],
        ),
        "conditions": setting.conditions.all(),
        "exports_back": setting.exports and target_of(setting.source) is not None,
    }
    return render(request, "mappings/object_detail.html", context)


@transaction.non_atomic_requests
def rule_edit(request, store_id, source, kind, rule_id=None):
    """Add (no rule_id) or edit a field mapping, record type rule, matching rule or condition.

    A field mapping's form lists the org's fields and the store's (HTTP calls: no transaction
    held)."""
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    setting = _setting(store, source)
    rule_kind = _rule_kind(kind)
    rule = get_object_or_404(rule_kind.model, pk=rule_id, setting=setting) if rule_id else None
    target = _target(setting, rule_kind, rule, request.GET.get("target", ""))
    pickers_of = {}
    if rule_kind.model is FieldMapping:
        pickers_of["target_choices"] = pickers.target_choices(store, target)
    form = rule_kind.form(
        request.POST or None, instance=rule, setting=setting, target_object=target, **pickers_of
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        _changed(request, store, f"{rule_kind.title.capitalize()} saved.")
        return redirect(_object_url(setting, kind, target))
    if pickers_of:
        form.offer_sources(pickers.source_choices(store, setting, target))
    context = {
        "store": store,
        "setting": setting,
        "form": form,
        "rule_kind": rule_kind,
        "target": target,
        "cancel_url": _object_url(setting, kind, target),
    }
    return render(request, "mappings/rule_form.html", context)


def rule_delete(request, store_id, source, kind, rule_id):
    """GET names the rule to delete and asks; POST deletes it."""
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    setting = _setting(store, source)
    rule_kind = _rule_kind(kind)
    rule = get_object_or_404(rule_kind.model, pk=rule_id, setting=setting)
    target = getattr(rule, "target_object", "")
    cancel_url = _object_url(setting, kind, target)
    if request.method == "POST":
        rule.delete()
        _changed(request, store, f"{rule_kind.title.capitalize()} deleted: {rule}.")
        return redirect(cancel_url)
    context = {
        "store": store,
        "setting": setting,
        "rule_kind": rule_kind,
        "rule": rule,
        "cancel_url": cancel_url,
    }
    return render(request, "mappings/rule_delete_confirm.html", context)


@transaction.non_atomic_requests
@require_POST
def refresh_fields(request, store_id, source):
    """Forget the org's cached describes, as its page does, and read this object's sObjects
    again at once (HTTP calls: no transaction held)."""
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    setting = _setting(store, source)
    back = redirect("store_mappings_object", store.pk, setting.source)
    org = store.salesforce_org
    if org is None:
        messages.error(request, f"{store.name} has no Salesforce org to read fields from.")
        return back
    forget_org_schema(org)
    services.forget_validation(store)
    read = []
    for target in setting.target_objects():
        described, why = pickers.describe_target(store, target)
        if described is None:
            messages.error(request, why)
            return back
        read.append(f"{target} ({len(pickers.writable_fields(described))} writable fields)")
    messages.success(request, f"Salesforce fields of {org.name} read afresh: {', '.join(read)}.")
    return back


@transaction.non_atomic_requests
def suggestions(request, store_id, source):
    """The suggestions for the object's unmapped store fields, as a part of its page (HTTP
    calls: no transaction held)."""
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    setting = _setting(store, source)
    found, note = suggest.suggestions_for(store, setting, request.user)
    context = {"store": store, "setting": setting, "suggestions": found, "note": note}
    return render(request, "mappings/suggestions.html", context)


@require_POST
def suggestion_answer(request, store_id, source, answer):
    """Accept (the field mapping is created) or reject (not suggested again) a suggestion."""
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    setting = _setting(store, source)
    form = SuggestionForm(request.POST, setting=setting)
    if not form.is_valid():
        messages.error(request, f"Not a suggestion: {form.errors.as_text()}")
        return redirect("store_mappings_object", store.pk, setting.source)
    suggestion = form.suggestion()
    if answer == "reject":
        suggest.reject(setting, suggestion)
        messages.success(request, f"Suggestion rejected: {suggestion}. It is not suggested again.")
        return redirect(_object_url(setting, "suggestions", ""))
    taken = setting.field_mappings.filter(
        target_object=suggestion.target_object, target_field=suggestion.target_field
    )
    if taken.exists():
        messages.error(
            request,
            f"{suggestion.target_object}.{suggestion.target_field} already has a mapping.",
        )
        return redirect(_object_url(setting, "fields", suggestion.target_object))
    mapping = suggest.accept(setting, suggestion)
    _changed(request, store, f"Field mapping added: {mapping}.")
    return redirect(_object_url(setting, "fields", suggestion.target_object))


@transaction.non_atomic_requests
@require_POST
def validate(request, store_id):
    """Check the mappings against the org's describes (HTTP calls: no transaction held)."""
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    if store.salesforce_org is None:
        messages.error(request, f"{store.name} has no Salesforce org to validate against.")
        return redirect("store_mappings", store.pk)
    try:
        validation = services.validate_store(store)
    except APIError as exc:
        messages.error(request, f"The mappings could not be validated: {exc}")
        return redirect("store_mappings", store.pk)
    found = f"{validation.count} problem(s)" if validation.count else "no problems"
    if validation.warning_count:
        found += f", {validation.warning_count} warning(s)"
    summary = f"Validation against {store.salesforce_org.name}: {found}."
    if validation.count or validation.warning_count:
        messages.warning(request, summary)
    else:
        messages.success(request, summary)
    return redirect("store_mappings", store.pk)


def reset(request, store_id):
    store = access.get_store(request.user, store_id, needs=Role.ADMIN)
    if request.method == "POST":
        apply_default_template(store, replace=True)
        _changed(request, store, "Field mappings and matching rules are back to the template.")
        return redirect("store_mappings", store.pk)
    return render(request, "mappings/reset_confirm.html", {"store": store})


def preview(request, store_id, source):
    """What one record would become; it changes nothing, so every member may try it."""
    store = access.get_store(request.user, store_id)
    setting = _setting(store, source)
    targets = setting.target_objects()
    target = request.GET.get("target") if request.GET.get("target") in targets else targets[0]
    example = services.example_record(setting.source, target)
    form = PreviewForm(
        request.POST or None,
        targets=targets,
        initial={"target": target, "record": json.dumps(example, indent=2)},
    )
    result = None
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        result = services.preview_record(setting, target, form.cleaned_data["record"])
    elif request.method != "POST":
        result = services.preview_record(setting, target, example)
    context = {
        "store": store,
        "setting": setting,
        "form": form,
        "result": result,
        "pick_form": RecordPickForm() if setting.source != SourceObject.COUPON_REVENUE else None,
    }
    return render(request, "mappings/preview.html", {**context, "target": target})


def _setting(store, source: str) -> ObjectSetting:
    services.settings_of(store)
    return get_object_or_404(ObjectSetting, store=store, source=source)


def _rule_kind(kind: str):
    if kind not in RULE_KINDS:
        raise Http404("No such kind of rule.")
    return RULE_KINDS[kind]


def _target(setting: ObjectSetting, rule_kind, rule, requested: str) -> str:
    """The sObject a rule belongs to: the rule's own, or one the setting writes."""
    if not rule_kind.per_target:
        return ""
    if rule is not None:
        return rule.target_object
    if requested not in setting.target_objects():
        raise Http404(f"{setting.get_source_display()} do not write {requested or 'that'}.")
    return requested


def _object_url(setting: ObjectSetting, kind: str, target: str) -> str:
    url = reverse("store_mappings_object", args=[setting.store_id, setting.source])
    return f"{url}#{kind}-{target}" if target else f"{url}#{kind}"


def _changed(request, store, message: str) -> None:
    services.forget_validation(store)
    messages.success(request, message)
