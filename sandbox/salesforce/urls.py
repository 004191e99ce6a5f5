"""The emulator's URLs, at the root of the host as on Salesforce (`/services/...`, `/id/...`).

Trailing slashes are optional everywhere, as clients use both forms.
"""

from django.urls import re_path

from sandbox.salesforce.views import bulk, composite, lightning, oauth, rest
from sandbox.salesforce.views.api import api_endpoint

DATA = r"^services/data/v(?P<version>\d+\.\d)"
OBJECT = r"(?P<object_name>[A-Za-z][A-Za-z0-9_]*)"
JOB = r"(?P<job_id>[A-Za-z0-9]{15,18})"


def data(pattern: str, handlers: dict, name: str, **options):
    return re_path(f"{DATA}{pattern}/?$", api_endpoint(handlers, **options), name=name)


urlpatterns = [
    re_path(r"^services/oauth2/token/?$", oauth.token, name="sf_token"),
    re_path(r"^services/oauth2/authorize/?$", oauth.authorize, name="sf_authorize"),
    re_path(r"^services/oauth2/revoke/?$", oauth.revoke, name="sf_revoke"),
    re_path(r"^services/oauth2/userinfo/?$", oauth.userinfo, name="sf_userinfo"),
    re_path(
        r"^id/(?P<org_id>[A-Za-z0-9]{15,18})/(?P<user_id>[A-Za-z0-9]{15,18})/?$",
        oauth.identity,
        name="sf_identity",
    ),
    re_path(r"^services/data/?$", rest.versions, name="sf_versions"),
    data("", {"GET": rest.resources}, "sf_resources"),
    data("/limits", {"GET": rest.limits_resource}, "sf_limits"),
    data("/sobjects", {"GET": rest.describe_global}, "sf_describe_global"),
    data(
        f"/sobjects/{OBJECT}",
        {"GET": rest.basic_info, "POST": rest.create_record},
        "sf_sobject",
    ),
    data(f"/sobjects/{OBJECT}/describe", {"GET": rest.describe_object}, "sf_describe"),
    data(f"/sobjects/{OBJECT}/updated", {"GET": rest.updated}, "sf_updated"),
    data(f"/sobjects/{OBJECT}/deleted", {"GET": rest.deleted}, "sf_deleted"),
    data(
        f"/sobjects/{OBJECT}/(?P<record_id>[^/]+)",
        {"GET": rest.get_record, "PATCH": rest.update_record, "DELETE": rest.delete_record},
        "sf_record",
    ),
    data(
        f"/sobjects/{OBJECT}/(?P<field_name>[A-Za-z][A-Za-z0-9_]*)/(?P<value>.+?)",
        {
            "GET": rest.get_by_external_id,
            "PATCH": rest.upsert_record,
            "DELETE": rest.delete_by_external_id,
        },
        "sf_external_id",
    ),
    data("/query", {"GET": rest.query_resource}, "sf_query"),
    data("/queryAll", {"GET": rest.query_all_resource}, "sf_query_all"),
    data(
        "/query(?:All)?/(?P<locator>[A-Za-z0-9]+-\\d+)", {"GET": rest.query_more}, "sf_query_more"
    ),
    data(
        "/composite",
        {"POST": composite.composite_request},
        "sf_composite",
        in_composite=False,
    ),
    data(
        "/composite/sobjects",
        {
            "POST": composite.collections_create,
            "PATCH": composite.collections_update,
            "DELETE": composite.collections_delete,
        },
        "sf_collections",
    ),
    data(
        f"/composite/sobjects/{OBJECT}",
        {
            "GET": composite.collections_retrieve,
            "POST": composite.collections_retrieve,
            "DELETE": composite.collections_delete,
        },
        "sf_collections_object",
    ),
    data(
        f"/composite/sobjects/{OBJECT}/(?P<field_name>[A-Za-z][A-Za-z0-9_]*)",
        {"PATCH": composite.collections_upsert},
        "sf_collections_upsert",
    ),
    data(
        "/jobs/ingest",
        {"POST": bulk.create_job, "GET": bulk.list_jobs},
        "sf_jobs",
        in_composite=False,
    ),
    data(
        f"/jobs/ingest/{JOB}",
        {"GET": bulk.job_info, "PATCH": bulk.change_state, "DELETE": bulk.delete_job},
        "sf_job",
        in_composite=False,
    ),
    data(f"/jobs/ingest/{JOB}/batches", {"PUT": bulk.upload}, "sf_job_batches", in_composite=False),
    data(
        f"/jobs/ingest/{JOB}/(?P<kind>successfulResults|failedResults|unprocessedrecords"
        "|unprocessedRecords)",
        {"GET": bulk.results},
        "sf_job_results",
        in_composite=False,
    ),
    re_path(r"^services/", rest.unknown_resource, name="sf_unknown"),
    # Lightning's record page, where the console's links to Salesforce records lead.
    re_path(
        rf"^lightning/r/{OBJECT}/(?P<record_id>[A-Za-z0-9]{{15,18}})/view/?$",
        lightning.record_page,
        name="sf_lightning_record",
    ),
]
