"""Imports of an object that also exports: a change made in Salesforce and not exported yet is
not overwritten by an import, and a field changed on both sides follows the conflict rule.

Before an import writes records it has linked, it reads their exported fields in Salesforce
(one query per 200) and compares both sides with the values last synced (`synced_values` on
the main object's link). A field only Salesforce changed keeps Salesforce's value: the import
leaves it out, and the next export carries it to BigCommerce. A field both changed is decided
by the object's rule, and the record's log row lists it. After the import the link keeps the
values synced, so the next comparison starts from them.
"""

from mappings import export
from mappings.export_targets import PRICEBOOK_ENTRY, plan_for, target_for
from mappings.paths import get_path
from sync import identity
from sync.models import IdentityLink
from sync.pipeline.exporters import conflicts
from sync.pipeline.exporters.catalog import attach_standard_entries
from sync.pipeline.exporters.stamps import parse_stamp
from sync.pipeline.matching import quote

IDS_PER_QUERY = 200


class Guard:
    def __init__(self, ctx, setting, source_type: str):
        self.ctx, self.setting, self.source_type = ctx, setting, source_type
        self.plan = plan_for(setting) if setting.exports else None
        self.target = target_for(setting)

    @property
    def active(self) -> bool:
        return bool(self.plan and self.plan.rules)

    def protect(self, prepared: list) -> None:
        """Leave out of each prepared record the fields Salesforce keeps."""
        if not self.active:
            return
        units = [p for p in prepared if p.ok]
        links = self._links([p.unit_id for p in units])
        linked = [(p, links[p.unit_id]) for p in units if links.get(p.unit_id)]
        linked = [(p, link) for p, link in linked if link.synced_values]
        if not linked:
            return
        now = self._salesforce([link.target_id for _, link in linked])
        for p, link in linked:
            record = now.get(link.target_id)
            if record is not None:
                self._keep_salesforce_changes(p, link.synced_values, record)

    def remember(self, prepared: list) -> None:
        """Keep the values both sides have after the import as the last synced ones."""
        if not self.active or self.ctx.dry_run:
            return
        links = self._links([p.unit_id for p in prepared if p.ok])
        changed = []
        for p in prepared:
            link = links.get(p.unit_id)
            if link is None or not p.ok:
                continue
            synced = {**link.synced_values, **self._bigcommerce_values(p.record)}
            for path in p.kept_in_salesforce:
                synced[path] = link.synced_values.get(path)
            link.synced_values = synced
            changed.append(link)
        IdentityLink.objects.bulk_update(changed, ["synced_values"])

    def _links(self, unit_ids) -> dict[str, IdentityLink]:
        sobject = self.target.main_object
        return identity.links_for(self.ctx.store, self.source_type, unit_ids, sobject)

    def _salesforce(self, ids: list[str]) -> dict[str, dict]:
        main = self.target.main_object
        own = [f for f in self.plan.fields if not f.startswith(f"{PRICEBOOK_ENTRY}.")]
        columns = ", ".join(dict.fromkeys(["Id", "SystemModstamp", *own]))
        found = []
        for start in range(0, len(ids), IDS_PER_QUERY):
            listed = ", ".join(quote(i) for i in ids[start : start + IDS_PER_QUERY])
            soql = f"SELECT {columns} FROM {main} WHERE Id IN ({listed})"  # noqa: S608
            found += list(self.ctx.sf.query(soql))
        entry_fields = [f.split(".", 1)[1] for f in self.plan.fields if f not in own]
        if entry_fields:
            attach_standard_entries(self.ctx, found, entry_fields)
        return {record["Id"]: record for record in found}

    def _bigcommerce_values(self, record: dict) -> dict:
        return {rule.path: get_path(record, rule.path) for rule in self.plan.rules}

    def _keep_salesforce_changes(self, p, synced: dict, record: dict) -> None:
        salesforce = export.transform(record, self.plan.rules).values
        modified = parse_stamp(record.get("SystemModstamp"))
        for rule in self.plan.rules:
            if rule.path not in salesforce or rule.path not in synced:
                continue
            base, ours = synced[rule.path], salesforce[rule.path]
            theirs = get_path(p.record, rule.path)
            if not conflicts.differ(ours, base):
                continue  # Salesforce did not change it: the import may write it
            if conflicts.differ(theirs, base) and conflicts.differ(ours, theirs):
                kept = conflicts.winner(self.setting.conflict_rule, modified, p.record)
                p.conflicts.append(
                    {"field": rule.path, "salesforce": ours, "bigcommerce": theirs, "kept": kept}
                )
                if kept == "bigcommerce":
                    continue
            self._leave_out(p, rule)

    def _leave_out(self, p, rule) -> None:
        sobject, field = rule.mapping.split(".", 1)
        p.values.get(sobject, {}).pop(field, None)
        p.kept_in_salesforce.append(rule.path)
