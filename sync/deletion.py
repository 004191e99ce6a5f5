"""Records deleted in BigCommerce: do nothing, forget the link, or delete in Salesforce, as
the object's setting says. Each deleted record gets a log row."""

from integrations import errors
from integrations.recording import recording
from integrations.salesforce.client import SalesforceClient
from mappings.models import DeleteAction, ObjectSetting
from sync import identity, run_log
from sync.models import IdentityLink, Outcome
from sync.run_log import RecordOutcome

MESSAGES = {
    DeleteAction.NOTHING: "Deleted in BigCommerce; the setting keeps the Salesforce record.",
    DeleteAction.UNLINK: "Deleted in BigCommerce; the link was forgotten.",
    DeleteAction.DELETE: "Deleted in BigCommerce and in Salesforce.",
}


FORGOTTEN = {
    False: "The link was removed in the console; the Salesforce record stays.",
    True: "The link was removed in the console, and the Salesforce record deleted.",
}


def delete_action(store, source: str) -> str:
    """What the object's setting does in Salesforce to a record deleted in BigCommerce."""
    setting = ObjectSetting.objects.filter(store=store, source=source).first()
    return setting.on_delete if setting else DeleteAction.NOTHING


def apply(store, source: str, source_ids: list[str]) -> int:
    action = delete_action(store, source)
    links = list(
        identity.links_of(store).filter(
            source_id__in=source_ids, source_type__in=_source_types(source)
        )
    )
    outcomes = {i: _outcome(source, i, action) for i in source_ids}
    with recording() as calls:
        if action == DeleteAction.DELETE and links:
            _delete_in_salesforce(store, links, outcomes)
    if action != DeleteAction.NOTHING:
        failed = {o.source_id for o in outcomes.values() if o.error is not None}
        done = [link.pk for link in links if link.source_id not in failed]
        IdentityLink.objects.filter(pk__in=done).delete()
    run_log.save(store, None, list(outcomes.values()), calls, shared=calls)
    return sum(o.error is None for o in outcomes.values())


def forget(store, source: str, links: list[IdentityLink]) -> RecordOutcome:
    """Remove one record's links, as someone asked in the console, with one log row. Where the
    object's setting deletes the Salesforce record of a record deleted in BigCommerce, the
    linked Salesforce records are deleted first, and the links stay if that fails. Calls
    Salesforce: never inside a transaction."""
    main = links[0]
    deletes = delete_action(store, source) == DeleteAction.DELETE
    outcome = RecordOutcome(
        source,
        main.source_id,
        Outcome.DELETED,
        main.target_object,
        main.target_id,
        message=FORGOTTEN[deletes],
    )
    with recording() as calls:
        if deletes:
            _delete_in_salesforce(store, links, {main.source_id: outcome})
    if outcome.error is None:
        IdentityLink.objects.filter(pk__in=[link.pk for link in links]).delete()
    run_log.save(store, None, [outcome], calls, shared=calls)
    return outcome


def _source_types(source: str) -> list[str]:
    return {"product": ["product", "variant"], "order": ["order"]}.get(source, [source])


def _outcome(source, source_id, action) -> RecordOutcome:
    outcome = Outcome.SKIPPED if action == DeleteAction.NOTHING else Outcome.DELETED
    return RecordOutcome(source, source_id, outcome, message=MESSAGES[action])


def _delete_in_salesforce(store, links, outcomes) -> None:
    client = SalesforceClient.for_org(store.salesforce_org)
    try:
        results = client.delete_many([link.target_id for link in links])
    except errors.APIError as exc:
        for link in links:
            outcomes[link.source_id].outcome, outcomes[link.source_id].error = Outcome.FAILED, exc
        return
    for link, result in zip(links, results, strict=True):
        outcome = outcomes[link.source_id]
        outcome.target_object, outcome.target_id = link.target_object, link.target_id
        if result.error is not None:
            outcome.outcome, outcome.error = Outcome.FAILED, result.error
