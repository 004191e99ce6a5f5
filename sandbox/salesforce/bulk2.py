"""Bulk API 2.0 ingest jobs: create, upload one CSV, close (UploadComplete) or abort, poll.

A job is processed when it is closed, in chunks of 200 rows through the same write path as
the REST API, so its rows meet the same validation and faults. The close answer still shows
the state the client asked for, as Salesforce's does; the next poll shows JobComplete. Result
files are CSV: successfulResults (`sf__Id`, `sf__Created`), failedResults (`sf__Id`,
`sf__Error` as `CODE:message:fields --`) and unprocessedrecords, each followed by the uploaded
columns.
"""

import csv
import io
import time

from sandbox.salesforce import ids
from sandbox.salesforce.bulk2_rows import column_error, run_rows
from sandbox.salesforce.dml import Writer
from sandbox.salesforce.errors import ApiError, not_found
from sandbox.salesforce.models import BulkJob
from sandbox.salesforce.values import format_datetime, now

OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
DELIMITERS = {
    "COMMA": ",",
    "TAB": "\t",
    "PIPE": "|",
    "SEMICOLON": ";",
    "CARET": "^",
    "BACKQUOTE": "`",
}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
TERMINAL_STATES = ("JobComplete", "Failed", "Aborted")
JOB_KEY_PREFIX = "750"


def _invalid_job(message: str) -> ApiError:
    return ApiError(400, "INVALIDJOB", f"InvalidJob : {message}")


def _job_state_error(job: BulkJob) -> ApiError:
    return ApiError(409, "INVALIDJOBSTATE", f"Job state is not valid for this request: {job.state}")


def create_job(ctx, body: dict) -> dict:
    schema = ctx.schema.get(str(body.get("object") or ""))
    operation = body.get("operation")
    if operation not in OPERATIONS:
        raise _invalid_job(f"Invalid job operation: {operation}")
    if schema is None:
        raise _invalid_job(f"Unable to find object: {body.get('object')}")
    key_field = _external_id_field(schema, operation, body.get("externalIdFieldName"))
    if (body.get("contentType") or "CSV") != "CSV":
        raise _invalid_job("Bulk API 2.0 jobs take CSV content only")
    line_ending = body.get("lineEnding") or "LF"
    delimiter = body.get("columnDelimiter") or "COMMA"
    if line_ending not in LINE_ENDINGS or delimiter not in DELIMITERS:
        raise _invalid_job("Invalid lineEnding or columnDelimiter")
    moment = now()
    job = BulkJob.objects.create(
        job_id=ids.new_ids(ctx.org, JOB_KEY_PREFIX, 1)[0],
        org=ctx.org,
        created_by=ctx.user,
        object_name=schema.name,
        operation=operation,
        external_id_field=key_field,
        line_ending=line_ending,
        column_delimiter=delimiter,
        api_version=ctx.version,
        created_at=moment,
        modified_at=moment,
    )
    return job_info(job)


def _external_id_field(schema, operation: str, name) -> str:
    if operation != "upsert":
        return ""
    if not name:
        raise _invalid_job(
            f"External ID was blank for {schema.name}. An External ID must be specified for upsert."
        )
    spec = schema.field(name)
    if spec is None or not (spec.is_indexed_key or spec.name == "Id"):
        raise _invalid_job(
            f"Field name provided, {name} is not an External ID or indexed field for {schema.name}"
        )
    return spec.name


def get_job(ctx, job_id: str) -> BulkJob:
    job = BulkJob.objects.filter(org=ctx.org, job_id=ids.normalize(job_id) or "").first()
    if job is None:
        raise not_found()
    return job


def job_info(job: BulkJob, state: str | None = None) -> dict:
    info = {
        "id": job.job_id,
        "operation": job.operation,
        "object": job.object_name,
        "createdById": job.created_by.user_id,
        "createdDate": format_datetime(job.created_at),
        "systemModstamp": format_datetime(job.modified_at),
        "state": state or job.state,
    }
    if job.external_id_field:
        info["externalIdFieldName"] = job.external_id_field
    info.update(
        concurrencyMode="Parallel",
        contentType="CSV",
        apiVersion=float(job.api_version),
        jobType="V2Ingest",
        contentUrl=f"services/data/v{job.api_version}/jobs/ingest/{job.job_id}/batches",
        lineEnding=job.line_ending,
        columnDelimiter=job.column_delimiter,
        numberRecordsProcessed=job.records_processed,
        numberRecordsFailed=job.records_failed,
        retries=0,
        totalProcessingTime=job.processing_ms,
        apiActiveProcessingTime=job.processing_ms,
        apexProcessingTime=0,
    )
    if job.error_message:
        info["errorMessage"] = job.error_message
    return info


def list_jobs(ctx) -> dict:
    jobs = BulkJob.objects.filter(org=ctx.org).select_related("created_by")
    return {"done": True, "records": [job_info(job) for job in jobs], "nextRecordsUrl": None}


def upload(ctx, job_id: str, data: bytes) -> None:
    job = get_job(ctx, job_id)
    if job.state != "Open" or job.upload:
        raise _job_state_error(job)
    text = data.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise ApiError(400, "INVALIDBATCH", "InvalidBatch : The uploaded data is empty")
    BulkJob.objects.filter(pk=job.pk).update(upload=text, modified_at=now())


def change_state(ctx, job_id: str, body: dict) -> dict:
    job = get_job(ctx, job_id)
    wanted = body.get("state")
    if wanted == "UploadComplete" and job.state == "Open":
        process(ctx, job)
    elif wanted == "Aborted" and job.state not in TERMINAL_STATES:
        _abort(job)
    else:
        raise _job_state_error(job)
    job.refresh_from_db()
    return job_info(job, state=wanted)


def delete_job(ctx, job_id: str) -> None:
    job = get_job(ctx, job_id)
    if job.state not in TERMINAL_STATES:
        raise _job_state_error(job)
    job.delete()


def _abort(job: BulkJob) -> None:
    job.state = "Aborted"
    job.unprocessed_records = job.upload
    job.modified_at = now()
    job.save(update_fields=["state", "unprocessed_records", "modified_at"])


def _reader(job: BulkJob) -> tuple[list[str], list[list[str]]]:
    text = job.upload.replace(LINE_ENDINGS[job.line_ending], "\n")
    rows = list(csv.reader(io.StringIO(text), delimiter=DELIMITERS[job.column_delimiter]))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    return (rows[0], rows[1:]) if rows else ([], [])


def process(ctx, job: BulkJob) -> None:
    started = time.monotonic()
    header, rows = _reader(job)
    schema = ctx.schema.get(job.object_name)
    problem = (
        "No data was uploaded for this job" if not header else column_error(schema, job, header)
    )
    if problem:
        job.state, job.error_message = "Failed", problem
        job.unprocessed_records = job.upload
    else:
        successes, failures = run_rows(Writer(ctx), schema, job, header, rows)
        job.successful_results = _csv(["sf__Id", "sf__Created", *header], successes)
        job.failed_results = _csv(["sf__Id", "sf__Error", *header], failures)
        job.unprocessed_records = _csv(header, [])
        job.records_processed, job.records_failed = len(rows), len(failures)
        job.state = "JobComplete"
    job.processing_ms = int((time.monotonic() - started) * 1000)
    job.modified_at = now()
    job.save()


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


RESULT_FIELDS = {
    "successfulresults": "successful_results",
    "failedresults": "failed_results",
    "unprocessedrecords": "unprocessed_records",
}


def results(ctx, job_id: str, kind: str) -> str:
    job = get_job(ctx, job_id)
    if job.state not in TERMINAL_STATES:
        raise _job_state_error(job)
    return getattr(job, RESULT_FIELDS[kind.lower()])
