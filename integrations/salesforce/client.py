"""The Salesforce client: one per org, on the connector's own tokens.

simple-salesforce makes the REST, query and Bulk 2.0 calls on our recording session. This
client renews an expired session once per call and repeats the call with the new token, writes
in sObject Collections of 200 (Bulk API 2.0 above a threshold, one call per step of a job) with
one result per record, retries only the records that failed for a passing reason, caches
describes, and stops before the org's daily API limit.
"""

import contextlib
import csv
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from simple_salesforce import Salesforce
from simple_salesforce import exceptions as sf_exceptions

from integrations import errors
from integrations.http import DowngradeToHttp, Session
from integrations.retry import RetryPolicy
from integrations.salesforce import auth
from integrations.salesforce.credentials import org_cache_key
from integrations.salesforce.errors import (
    SYSTEM,
    ReplicationGap,
    from_error_item,
    from_exception,
)

COLLECTION_SIZE = 200
DESCRIBE_TTL = 3600
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LIMIT_INFO = re.compile(r"api-usage=(\d+)/(\d+)")
BULK_DONE = ("JobComplete", "Failed", "Aborted")
BULK_FIRST_POLL = 1.0  # seconds; the wait doubles up to BULK_LONGEST_POLL
BULK_LONGEST_POLL = 10.0
# A job still running after this long is aborted (under the 25 min soft limit of a task).
BULK_MAX_WAIT = 15 * 60
BULK_MAX_UPLOAD = 100 * 1024 * 1024  # bytes of CSV per job, as simple-salesforce allows
# getDeleted answers for no more than 15 days before the call (FACTS.md §8).
DELETED_LOG_KEPT = timedelta(days=15)


@dataclass
class RecordResult:
    record: dict
    id: str | None = None
    created: bool | None = None
    error: errors.APIError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ApiUsage:
    used: int
    limit: int

    @property
    def share(self) -> float:
        return self.used / self.limit if self.limit else 0.0


@dataclass(frozen=True)
class DeletedRecord:
    id: str
    deleted_date: datetime


@dataclass(frozen=True)
class DeletedRecords:
    """What getDeleted said of a window: the records, oldest first, and how far the delete log
    reaches. `latest_covered` is where the next window should start."""

    records: list[DeletedRecord]
    earliest_available: datetime | None
    latest_covered: datetime | None


class SalesforceClient:
    def __init__(
        self,
        org,
        *,
        retry: RetryPolicy | None = None,
        sleep=time.sleep,
        bulk_threshold: int | None = None,
        usage_guard_share: float | None = None,
        bulk_max_wait: float = BULK_MAX_WAIT,
    ):
        self.org = org
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.bulk_threshold = bulk_threshold or settings.SALESFORCE_BULK_THRESHOLD
        self.usage_guard_share = usage_guard_share or settings.SALESFORCE_USAGE_GUARD_SHARE
        self.bulk_max_wait = bulk_max_wait
        self._sf: Salesforce | None = None
        self._expired = False

    @classmethod
    def for_org(cls, org, **kwargs) -> "SalesforceClient":
        return cls(org, **kwargs)

    # --- session ------------------------------------------------------------------------------
    def _salesforce(self) -> Salesforce:
        """The API client on the current token; a token is obtained first if there is none, or
        if the last one expired."""
        if self._sf is None:
            if self._expired or not (self.org.access_token and self.org.instance_url):
                stale = self.org.access_token if self._expired else ""
                self.org = auth.renew_token(self.org, stale_token=stale)
                self._expired = False
            self._sf = Salesforce(
                instance_url=self.org.instance_url,
                session_id=self.org.access_token,
                session=self._session(),
                version=self.org.api_version,
            )
        return self._sf

    def _session(self) -> Session:
        session = Session(SYSTEM)
        session.hooks["response"].append(self._observe_usage)
        instance = urlsplit(self.org.instance_url)
        if instance.scheme == "http" and instance.hostname in LOOPBACK:
            session.mount(f"https://{instance.netloc}", DowngradeToHttp())
        return session

    def _expire(self) -> None:
        self._expired, self._sf = True, None

    def _run(self, operation: Callable[[Salesforce], object], *, idempotent: bool):
        """Run one call; renew an expired session once; retry passing failures if safe.

        The operation gets the API client on the newest token at each try, so it must build
        its request from that client. A failed token request is tried again whatever the call:
        the call itself was refused or never sent, so nothing was saved.
        """
        self._check_usage_guard()
        call = _Call(operation, idempotent)
        retrying = self.retry.retrying(
            retry_on=lambda error: call.may_repeat and _passing(error),
            what="Salesforce call",
            sleep=self.sleep,
        )
        return retrying(self._try, call)

    def _try(self, call: "_Call"):
        """One try of a call. An expired session is renewed once per call, and the call sent
        again on the new token within this try: the expired one was refused, not failed."""
        while True:
            try:
                return self._send(call)
            except sf_exceptions.SalesforceExpiredSession:
                if call.renewed:
                    raise errors.AuthError(
                        "Salesforce refused a freshly renewed session",
                        status=401,
                        system=SYSTEM,
                    ) from None
                self._expire()
                call.renewed = True

    def _send(self, call: "_Call"):
        """The operation's answer on the newest token (obtained first if needed), or a typed
        error; `call.may_repeat` says whether that error may be tried again. An expired
        session is raised as it is."""
        call.may_repeat = True  # a failed token request: the call was refused or never sent
        sf = self._salesforce()
        call.may_repeat = False
        try:
            return call.operation(sf)
        except sf_exceptions.SalesforceExpiredSession:
            raise
        except sf_exceptions.SalesforceError as exc:
            error = from_exception(exc)
        except sf_exceptions.SalesforceOperationError as exc:  # an upload not answered 201
            error = errors.PermanentError(str(exc)[:500], system=SYSTEM)
        except requests.RequestException as exc:
            error = errors.TransientError(f"{type(exc).__name__}: {exc}", system=SYSTEM)
        call.may_repeat = call.idempotent
        raise error

    # --- API usage ----------------------------------------------------------------------------
    def _observe_usage(self, response, *args, **kwargs):
        found = LIMIT_INFO.search(response.headers.get("Sforce-Limit-Info", ""))
        if found:
            remember_api_usage(self.org.pk, int(found.group(1)), int(found.group(2)))
        return response

    def api_usage(self) -> ApiUsage | None:
        return last_api_usage(self.org.pk)

    def _check_usage_guard(self) -> None:
        usage = self.api_usage()
        if usage and usage.share >= self.usage_guard_share:
            raise errors.RateLimited(
                f"Syncing stopped at {self.usage_guard_share:.0%} of the org's daily API limit "
                f"({usage.used:,} of {usage.limit:,} calls used in the last 24 hours). It "
                "resumes when usage falls below the guard.",
                retry_after=3600,
                system=SYSTEM,
                code="USAGE_GUARD",
            )

    # --- reads --------------------------------------------------------------------------------
    def query(self, soql: str, *, include_deleted: bool = False) -> Iterator[dict]:
        """All records of a SOQL query, page by page; an expiry between pages is survived."""
        page = self._run(
            lambda sf: sf.query(soql, include_deleted=include_deleted), idempotent=True
        )
        while True:
            yield from page["records"]
            if page.get("done", True):
                return
            next_url = page["nextRecordsUrl"]
            page = self._run(
                lambda sf, url=next_url: sf.query_more(
                    url, identifier_is_url=True, include_deleted=include_deleted
                ),
                idempotent=True,
            )

    def cache_key(self, *parts) -> str:
        """A key for what the org's schema decides (describes, the standard price book)."""
        return org_cache_key(self.org, *parts)

    def forget_schema(self) -> None:
        """Every worker reads the org's describes and standard price book afresh."""
        self.org.forget_schema()

    def describe(self, sobject: str) -> dict:
        key = self.cache_key("describe", sobject)
        described = cache.get(key)
        if described is None:
            described = self._run(lambda sf: getattr(sf, sobject).describe(), idempotent=True)
            cache.set(key, described, timeout=DESCRIBE_TTL)
        return described

    def deleted(self, sobject: str, start: datetime, end: datetime) -> DeletedRecords:
        """Records of the object deleted in [start, end), from the org's delete log (getDeleted).

        Salesforce ignores the seconds of both ends. The log goes back at most 15 days and may
        be purged sooner. A window starting before what the log still holds raises
        ReplicationGap instead of being shortened, so deletions are never missed silently:
        before any call when the start is more than 15 days ago, or after the answer when its
        `earliestDateAvailable` is later than the start. Both ends must be timezone-aware and
        start before end (ValueError otherwise).
        """
        start, end = _utc(start), _utc(end)
        if start >= end:
            raise ValueError("A getDeleted window must start before it ends")
        if start < timezone.now() - DELETED_LOG_KEPT:
            raise ReplicationGap(
                f"Salesforce keeps deletions for 15 days; {sobject} deletions since "
                f"{start:%Y-%m-%d %H:%M} UTC can no longer be listed"
            )
        try:
            body = self._run(lambda sf: getattr(sf, sobject).deleted(start, end), idempotent=True)
        except errors.ValidationFailed as exc:
            if exc.code != "INVALID_REPLICATION_DATE":
                raise
            # The window is well formed, so Salesforce found its start too old.
            raise ReplicationGap(exc.message, status=exc.status) from exc
        answer = _deleted_records(body)
        if answer.earliest_available is not None and answer.earliest_available > start:
            raise ReplicationGap(
                f"Salesforce's log of {sobject} deletions now begins at "
                f"{answer.earliest_available:%Y-%m-%d %H:%M} UTC, after the window's start "
                f"({start:%Y-%m-%d %H:%M} UTC)",
                earliest_available=answer.earliest_available,
                answer=answer,
            )
        return answer

    def user_id(self) -> str:
        """The Id of the user the connector acts as: the LastModifiedById of its own writes.

        Every token answer names it (auth.py keeps it for a day); otherwise Salesforce's
        UserInfo endpoint is asked, at most once a day per org.
        """
        known = auth.known_user_id(self.org)
        if known:
            return known
        info = self._run(_userinfo, idempotent=True) or {}
        user_id = info.get("user_id") or auth.user_id_of(info.get("sub") or "")
        if not user_id:
            raise errors.PermanentError("UserInfo did not name the user", system=SYSTEM)
        auth.remember_user_id(self.org, user_id)
        return user_id

    def limits(self) -> dict:
        return self._run(lambda sf: sf.limits(), idempotent=True)

    def get(self, sobject: str, record_id: str) -> dict:
        return self._run(lambda sf: getattr(sf, sobject).get(record_id), idempotent=True)

    # --- writes -------------------------------------------------------------------------------
    def create_many(self, sobject: str, records: list[dict]) -> list[RecordResult]:
        return self._write_collections("POST", "composite/sobjects", sobject, records)

    def update_many(self, sobject: str, records: list[dict]) -> list[RecordResult]:
        """Each record carries its Id."""
        return self._write_collections("PATCH", "composite/sobjects", sobject, records)

    def upsert_many(
        self, sobject: str, external_id_field: str, records: list[dict]
    ) -> list[RecordResult]:
        """Create or update by external ID; Bulk API 2.0 from the bulk threshold up."""
        if len(records) >= self.bulk_threshold:
            return self._bulk_upsert(sobject, external_id_field, records)
        path = f"composite/sobjects/{sobject}/{external_id_field}"
        return self._write_collections("PATCH", path, sobject, records)

    def upsert(self, sobject: str, external_id_field: str, value, data: dict) -> RecordResult:
        """One record by external ID; several matches raise Conflict (code MULTIPLE_MATCHES)."""
        target = f"{external_id_field}/{quote(str(value), safe='')}"
        response = self._run(
            lambda sf: getattr(sf, sobject).upsert(target, data, raw_response=True),
            idempotent=True,
        )
        body = response.json() if response.content else {}
        return RecordResult(data, id=body.get("id"), created=response.status_code == 201)

    def delete_many(self, record_ids: list[str]) -> list[RecordResult]:
        """Delete records by Id, 200 per call; a record already gone counts as deleted."""
        results = [RecordResult({"Id": record_id}) for record_id in record_ids]
        for start in range(0, len(results), COLLECTION_SIZE):
            chunk = results[start : start + COLLECTION_SIZE]
            ids = ",".join(r.record["Id"] for r in chunk)
            answers = self._run(
                lambda sf, ids=ids: sf.restful(
                    "composite/sobjects",
                    method="DELETE",
                    params={"ids": ids, "allOrNone": "false"},
                ),
                idempotent=True,
            )
            for result, answer in zip(chunk, answers, strict=True):
                _apply_answer(result, answer)
                if result.error is not None and result.error.code == "ENTITY_IS_DELETED":
                    result.error = None
        return results

    def composite(self, subrequests: list[dict], *, all_or_none: bool = True) -> list[dict]:
        """Up to 25 related subrequests in one call; `@{ref.id}` links them."""
        body = {"allOrNone": all_or_none, "compositeRequest": subrequests}
        answer = self._run(
            lambda sf: sf.restful("composite", method="POST", json=body), idempotent=False
        )
        return answer["compositeResponse"]

    def _write_collections(self, method, path, sobject, records) -> list[RecordResult]:
        results = [RecordResult(record) for record in records]
        self._write_rounds(method, path, sobject, results)
        return results

    def _write_rounds(self, method, path, sobject, results: list[RecordResult], first_round=1):
        """Write the records in chunks of 200; then, with one back-off per round, write again
        the records of the whole batch that failed for a passing reason, pooled in full chunks.
        `first_round` > 1 when an earlier attempt (a Bulk job) already wrote them once.

        Only records that Salesforce answered for are written again: its answer says they were
        not saved. A request that failed is not sent again here (`_run` repeated it if that was
        safe), so a create whose answer was lost is never repeated.
        """
        if not results or first_round > self.retry.max_attempts:
            return
        if first_round > 1:
            # The earlier attempt failed too: back off after it, as between rounds.
            self.sleep(self.retry.backoff(first_round - 1))

        def one_round(pending: list[RecordResult]) -> list[RecordResult]:
            again = []
            for start in range(0, len(pending), COLLECTION_SIZE):
                chunk = pending[start : start + COLLECTION_SIZE]
                if self._send_chunk(method, path, sobject, chunk):
                    again.extend(r for r in chunk if r.error is not None and r.error.retryable)
            return again

        self.retry.repeat_while_pending(
            one_round,
            results,
            what=f"Salesforce {sobject} records refused for a passing reason",
            sleep=self.sleep,
            first_attempt=first_round,
        )

    def _send_chunk(self, method, path, sobject, chunk: list[RecordResult]) -> bool:
        """Send one request; False when the request itself failed (every record gets its error).

        A failed request is not sent again here: `_run` already repeated it if that was safe.
        """
        body = {
            "allOrNone": False,
            "records": [{"attributes": {"type": sobject}, **r.record} for r in chunk],
        }
        try:
            answers = self._run(
                lambda sf: sf.restful(path, method=method, json=body), idempotent=method == "PATCH"
            )
        except errors.APIError as exc:
            for result in chunk:
                result.error = exc
            return False
        for result, answer in zip(chunk, answers, strict=True):
            _apply_answer(result, answer)
        return True

    # --- Bulk API 2.0 -------------------------------------------------------------------------
    def _bulk_upsert(self, sobject, external_id_field, records) -> list[RecordResult]:
        """Upsert through Bulk API 2.0 jobs, one result per record.

        A job is driven step by step, each step its own call with its own session renewal, so an
        expiry while polling or reading results resumes the job instead of uploading it again.
        """
        results, again = [], []
        for part in _csv_parts(records):
            done, resend = self._bulk_job(sobject, "upsert", external_id_field, part)
            results.extend(done)
            again.extend(resend)
        # Rows that failed for a passing reason (a locked row) go again through Collections,
        # pooled across jobs; the job was their first attempt.
        path = f"composite/sobjects/{sobject}/{external_id_field}"
        self._write_rounds("PATCH", path, sobject, again, first_round=2)
        return results

    def _bulk_job(self, sobject, operation, key_field, part):
        """Run one job; returns its results, and those that may be written again at once."""
        records, text = part
        try:
            job_id = self._bulk_submit(sobject, operation, key_field, text)
        except errors.APIError as exc:  # the job was never closed, so it is never processed
            failed = [RecordResult(record, error=exc) for record in records]
            return failed, failed if exc.retryable else []
        except _JobMayRun as unknown:
            return [RecordResult(record, error=unknown.error) for record in records], []
        try:
            info = self._bulk_wait(sobject, job_id)
            outcome = self._bulk_outcome(sobject, job_id, key_field)
        except errors.APIError as exc:
            # What the closed job wrote is unknown: the records are not written again now.
            return [RecordResult(record, error=exc) for record in records], []
        message = f"Bulk API left the record unprocessed (job {job_id} {info['state']}"
        if info.get("errorMessage"):
            message += f": {info['errorMessage']}"
        unprocessed = errors.TransientError(message + ")", system=SYSTEM)
        results = [
            _bulk_result(r, outcome.get(str(r.get(key_field))), unprocessed) for r in records
        ]
        return results, [r for r in results if r.error is not None and r.error.retryable]

    def _bulk_submit(self, sobject, operation, key_field, text) -> str:
        """Create a job, upload its data and close it; returns the job's id.

        Creating a job again after a lost answer at worst leaves an empty job open, which is
        never processed. An upload is never sent twice to one job: after an upload that failed
        for a passing reason, that job is aborted (only a closed job is processed) and the data
        goes to a new job. So two processed jobs never hold the same rows. Raises an APIError
        when no job was closed, and _JobMayRun when it is unknown whether the close went through.
        """
        upload_failed = False

        def new_job() -> str:
            nonlocal upload_failed
            upload_failed = False
            job = self._run(
                lambda sf: _bulk_jobs(sf, sobject).create_job(
                    operation, external_id_field=key_field or None
                ),
                idempotent=True,
            )
            try:
                self._bulk_upload(sobject, job["id"], text)
            except errors.APIError:
                self._bulk_abort(sobject, job["id"])
                upload_failed = True
                raise
            return job["id"]

        # Only a failed upload is tried again, on a new job; a job that could not be created
        # was already tried again by `_run`.
        job_id = self.retry.retrying(
            retry_on=lambda error: upload_failed and _passing(error),
            what=f"Salesforce Bulk API {sobject} upload",
            sleep=self.sleep,
        )(new_job)
        try:
            self._run(lambda sf: _bulk_jobs(sf, sobject).close_job(job_id), idempotent=True)
        except errors.APIError as exc:
            # A repeated close finds the job already closed when the first one went through.
            try:
                state = self._bulk_info(sobject, job_id)["state"]
            except errors.APIError:
                raise _JobMayRun(exc) from exc
            if state == "Open":
                self._bulk_abort(sobject, job_id)
                raise
        return job_id

    def _bulk_upload(self, sobject, job_id, text) -> None:
        """Upload a job's data; repeated only after an expired session, which refused it."""
        self._run(
            lambda sf: _bulk_jobs(sf, sobject).upload_job_data(job_id, text), idempotent=False
        )

    def _bulk_info(self, sobject, job_id) -> dict:
        return self._run(lambda sf: _bulk_jobs(sf, sobject).get_job(job_id, False), idempotent=True)

    def _bulk_abort(self, sobject, job_id) -> None:
        """Abort a job that must not be processed; a failure here is not the caller's error."""
        with contextlib.suppress(errors.APIError):
            self._run(lambda sf: _bulk_jobs(sf, sobject).abort_job(job_id, False), idempotent=True)

    def _bulk_wait(self, sobject, job_id) -> dict:
        """Poll until the job ends; past `bulk_max_wait`, abort it and take what it did."""
        waited, delay = 0.0, BULK_FIRST_POLL
        while True:
            self.sleep(delay)
            waited += delay
            info = self._bulk_info(sobject, job_id)
            if info["state"] in BULK_DONE:
                return info
            if waited >= self.bulk_max_wait:
                self._bulk_abort(sobject, job_id)
                info = self._bulk_info(sobject, job_id)
                if info["state"] in BULK_DONE:
                    return info
                raise errors.TransientError(
                    f"Bulk API job {job_id} did not finish in {self.bulk_max_wait:.0f} s",
                    system=SYSTEM,
                )
            delay = min(delay * 2, BULK_LONGEST_POLL)

    def _bulk_outcome(self, sobject, job_id, key_field) -> dict[str, tuple]:
        """External ID value -> (id, created, error) from a finished job's result files.

        Rows of neither file were not processed (an aborted or failed job): they get no entry.
        """

        def rows(kind: str) -> list[dict]:
            text = self._run(
                lambda sf: _bulk_jobs(sf, sobject).get_ingest_results(job_id, kind),
                idempotent=True,
            )
            return _csv_rows(text)

        outcome = {}
        for row in rows("successfulResults"):
            created = row["sf__Created"].lower() == "true"
            outcome[row[key_field]] = (row["sf__Id"], created, None)
        for row in rows("failedResults"):
            outcome[row[key_field]] = (None, None, _bulk_error(row["sf__Error"]))
        return outcome


@dataclass
class _Call:
    """One API call run by `_run`, and what it remembers across its tries."""

    operation: Callable[[Salesforce], object]
    idempotent: bool
    renewed: bool = False  # its session was renewed once already
    may_repeat: bool = False  # its last failure may be tried again


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("Salesforce replication windows need timezone-aware datetimes")
    return moment.astimezone(UTC)


def _salesforce_datetime(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


def _deleted_records(body: dict) -> DeletedRecords:
    records = [
        DeletedRecord(item["id"], _salesforce_datetime(item["deletedDate"]))
        for item in body.get("deletedRecords") or []
    ]
    records.sort(key=lambda record: (record.deleted_date, record.id))
    return DeletedRecords(
        records,
        earliest_available=_salesforce_datetime(body.get("earliestDateAvailable")),
        latest_covered=_salesforce_datetime(body.get("latestDateCovered")),
    )


def _userinfo(sf: Salesforce) -> dict | None:
    """OpenID Connect's UserInfo for the session's user.

    It answers an expired or bad token with 403 `Bad_OAuth_Token` where the REST API says 401;
    raised as an expired session here, so that the token is renewed once.
    """
    try:
        return sf.oauth2("userinfo")
    except sf_exceptions.SalesforceRefusedRequest as exc:
        if "Bad_OAuth_Token" not in str(exc.content):
            raise
        raise sf_exceptions.SalesforceExpiredSession(
            exc.url, exc.status, exc.resource_name, exc.content
        ) from exc


def _passing(error: BaseException) -> bool:
    """A failure that may pass within the call's back-off. A rate limit does not (a spent daily
    allocation answers REQUEST_LIMIT_EXCEEDED for hours): it goes to the caller at once, which
    tries again after its `retry_after`, as the BigCommerce client does with RateLimited."""
    return (
        isinstance(error, errors.APIError)
        and error.retryable
        and not isinstance(error, errors.RateLimited)
    )


class _JobMayRun(Exception):
    """A job's close failed and its state could not be read: it may be processed."""

    def __init__(self, error: errors.APIError):
        super().__init__(str(error))
        self.error = error


def last_api_usage(org_id: int) -> ApiUsage | None:
    """What the last answer from the org said of its daily API usage (shared by workers)."""
    known = cache.get(_usage_key(org_id))
    return ApiUsage(*known) if known else None


def remember_api_usage(org_id: int, used: int, limit: int) -> None:
    cache.set(_usage_key(org_id), (used, limit), timeout=24 * 3600)


def _usage_key(org_id: int) -> str:
    return f"sf:usage:{org_id}"


def _apply_answer(result: RecordResult, answer: dict) -> None:
    if answer.get("success"):
        result.id, result.created, result.error = answer.get("id"), answer.get("created"), None
    else:
        items = answer.get("errors") or [{"message": "Salesforce did not save the record"}]
        result.error = from_error_item(items[0])


def _csv_value(value) -> str:
    if value is None:
        return "#N/A"  # Bulk API: explicit null; an empty cell would leave the field unchanged
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text))) if text else []


def _csv_parts(records: list[dict]) -> Iterator[tuple[list[dict], str]]:
    """The records as CSV uploads of at most BULK_MAX_UPLOAD bytes: (records, text) pairs.

    A field a record lacks is an empty cell, which leaves it unchanged.
    """
    header = list(dict.fromkeys(name for record in records for name in record))
    part, lines, size = [], [], 0
    for record in records:
        line = _csv_line([_csv_value(record[name]) if name in record else "" for name in header])
        if part and size + len(line.encode()) > BULK_MAX_UPLOAD:
            yield part, "".join(lines)
            part, lines, size = [], [], 0
        if not part:
            lines.append(_csv_line(header))
            size = len(lines[0].encode())
        part.append(record)
        lines.append(line)
        size += len(line.encode())
    if part:
        yield part, "".join(lines)


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def _bulk_jobs(sf: Salesforce, sobject: str):
    """simple-salesforce's job-level Bulk API 2.0 calls, made with `sf`'s current session.

    Its `bulk2.<sObject>.upsert` runs a whole job in one go (create, upload, close, wait), which
    cannot be resumed after a renewal; the client under it makes one request per step.
    """
    return getattr(sf.bulk2, sobject)._client


def _bulk_error(text: str) -> errors.APIError:
    """`CODE:message:fields` from a failed-results row."""
    code, _, rest = text.partition(":")
    message, _, fields = rest.rpartition(":") if rest.count(":") else (rest, "", "")
    item = {
        "errorCode": code,
        "message": message or rest,
        "fields": [f for f in fields.split(",") if f and f != "--"],
    }
    return from_error_item(item)


def _bulk_result(record: dict, outcome: tuple | None, unprocessed) -> RecordResult:
    if outcome is None:
        return RecordResult(record, error=unprocessed)
    record_id, created, error = outcome
    return RecordResult(record, id=record_id, created=created, error=error)
