from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sandbox import services
from sandbox.faults import set_faults
from sandbox.forms import ActivityForm, CustomFieldForm, fault_form_class
from sandbox.models import Emulator, FaultProfile
from sandbox.salesforce import services as sf_services
from stores import access


def console(request):
    """The sandbox page: demo environment, fault knobs, activity simulator, Salesforce schema."""
    stores = access.visible_stores(request.user).filter(is_sandbox=True)
    context = {
        "stores": stores,
        "orgs": access.visible_orgs(request.user).filter(is_sandbox=True),
        "fault_forms": [
            (emulator, fault_form_class(emulator)(instance=_profile(emulator), prefix=emulator))
            for emulator in Emulator
        ],
        "activity_form": ActivityForm(stores=stores),
        "field_form": CustomFieldForm(),
        "can_change": request.user.is_staff,
    }
    return render(request, "sandbox/console.html", context)


def _profile(emulator: Emulator) -> FaultProfile:
    return FaultProfile.objects.filter(emulator=emulator).first() or FaultProfile(emulator=emulator)


def _staff_only(request):
    if not request.user.is_staff:
        raise PermissionDenied("Only staff may change the sandbox: it affects every user.")


@require_POST
def save_faults(request, emulator):
    _staff_only(request)
    emulator = Emulator(emulator)
    set_faults(emulator)  # make sure the row exists
    form = fault_form_class(emulator)(request.POST, instance=_profile(emulator), prefix=emulator)
    if form.is_valid():
        form.save()
        messages.success(request, f"Faults of the {emulator.label} emulator saved.")
    else:
        messages.error(request, f"Faults not saved: {form.errors.as_text()}")
    return redirect("sandbox_console")


@require_POST
def start_activity(request):
    _staff_only(request)
    stores = access.visible_stores(request.user).filter(is_sandbox=True)
    form = ActivityForm(request.POST, stores=stores)
    if form.is_valid():
        data = form.cleaned_data
        services.start_activity(data["store"], data["events_per_minute"], data["duration_seconds"])
        messages.success(
            request,
            f"The worker simulates {data['events_per_minute']} changes a minute in "
            f"{data['store'].name} for {data['duration_seconds']} s; webhooks follow.",
        )
    else:
        messages.error(request, f"Activity not started: {form.errors.as_text()}")
    return redirect("sandbox_console")


@require_POST
def expire_sessions(request):
    _staff_only(request)
    expired = sum(sf_services.expire_sessions(org) for org in sf_services.all_orgs())
    messages.success(request, f"{expired} Salesforce session(s) expired.")
    return redirect("sandbox_console")


@require_POST
def define_field(request):
    _staff_only(request)
    form = CustomFieldForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Field not defined: {form.errors.as_text()}")
        return redirect("sandbox_console")
    data = form.cleaned_data
    try:
        for org in sf_services.all_orgs():
            sf_services.define_custom_field(
                org,
                data["object_name"],
                data["api_name"],
                data["field_type"],
                external_id=data["external_id"],
                unique=data["unique"],
                picklist_values=data["picklist_values"],
                reference_to=data["reference_to"],
            )
    except sf_services.SchemaError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{data['object_name']}.{data['api_name']} defined.")
    return redirect("sandbox_console")
