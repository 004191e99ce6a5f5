"""Mapping checks that need the org: each object's rules against its target's describe."""

from mappings.models import ObjectSetting
from mappings.validation import Problem, check


def problems_for(setting: ObjectSetting, describe) -> list[Problem]:
    """Problems of one object's mappings; `describe(sobject)` answers the org's describe."""
    problems = []
    for target in setting.target_objects():
        described = describe(target)
        fields = {f["name"] for f in described.get("fields", [])}
        external_id = setting.external_id_field if setting.external_id_field in fields else ""
        problems += check(
            target, setting.rules_for(target), described, external_id_field=external_id
        )
    return problems


def store_problems(store, client) -> dict[str, list[Problem]]:
    """Problems of every enabled object of a store, by source object."""
    settings = store.object_settings.filter(enabled=True)
    return {setting.source: problems_for(setting, client.describe) for setting in settings}
