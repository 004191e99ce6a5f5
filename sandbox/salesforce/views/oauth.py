"""OAuth endpoints: token, authorize (a page a person approves), revoke, identity URLs and
UserInfo."""

import base64
import binascii
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render as render_page
from django.views.decorators.http import require_http_methods

from sandbox.faults import NO_FAULTS, plan_for
from sandbox.models import Emulator
from sandbox.salesforce import oauth
from sandbox.salesforce.auth import session_for
from sandbox.salesforce.errors import ApiError
from sandbox.salesforce.models import ConnectedApp, OrgUser, Record
from sandbox.salesforce.views.api import base_url, emulator_view, injected_failure

TOKEN_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _client_credentials(request) -> tuple[str | None, str | None]:
    """Client id and secret from HTTP Basic auth (simple-salesforce) or the form."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            decoded = base64.b64decode(encoded.strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        client_id, _, client_secret = decoded.partition(":")
        return unquote(client_id), unquote(client_secret)
    return request.POST.get("client_id"), request.POST.get("client_secret")


def _grant(request) -> dict:
    form = request.POST
    grant_type = form.get("grant_type")
    url = base_url(request)
    if grant_type == oauth.JWT_GRANT:
        return oauth.jwt_grant(form.get("assertion"), url)
    if grant_type not in ("password", "client_credentials", "refresh_token", "authorization_code"):
        raise oauth.OAuthError("unsupported_grant_type", "grant type not supported")
    app = oauth.client_app(*_client_credentials(request))
    if grant_type == "password":
        return oauth.password_grant(app, form.get("username"), form.get("password"), url)
    if grant_type == "client_credentials":
        return oauth.client_credentials_grant(app, url)
    if grant_type == "refresh_token":
        return oauth.refresh_grant(app, form.get("refresh_token"), url)
    return oauth.authorization_code_grant(app, form.get("code"), form.get("redirect_uri"), url)


@emulator_view
@require_http_methods(["POST"])
def token(request):
    failure = injected_failure(plan_for(Emulator.SALESFORCE))
    if failure is not None:
        return failure
    try:
        with transaction.atomic():
            answer = _grant(request)
    except oauth.OAuthError as error:
        return JsonResponse(error.body(), status=error.status, headers=TOKEN_HEADERS)
    return JsonResponse(answer, headers=TOKEN_HEADERS)


@emulator_view
@require_http_methods(["POST"])
def revoke(request):
    failure = injected_failure(plan_for(Emulator.SALESFORCE))
    if failure is not None:
        return failure
    if not oauth.revoke(request.POST.get("token", "")):
        return JsonResponse(
            {"error": "invalid_token", "error_description": "invalid token"}, status=400
        )
    return HttpResponse(status=200)


def _with_params(uri: str, params: dict) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query) + [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _authorize_problem(app, params) -> str | None:
    if app is None:
        return "error=invalid_client_id: client identifier invalid"
    redirect_uri = params.get("redirect_uri") or ""
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return "error=redirect_uri_mismatch: redirect_uri must match configuration"
    # An app with no callback URLs configured accepts any (a sandbox convenience).
    if app.callback_urls and redirect_uri not in app.callback_urls:
        return "error=redirect_uri_mismatch: redirect_uri must match configuration"
    return None


def _approving_user(app: ConnectedApp) -> OrgUser:
    return app.run_as or OrgUser.objects.filter(org=app.org).order_by("pk").first()


@emulator_view
@require_http_methods(["GET", "POST"])
def authorize(request):
    """The web-server flow's consent page: Allow redirects with a code, Deny with an error."""
    failure = injected_failure(plan_for(Emulator.SALESFORCE))
    if failure is not None:
        return failure
    params = request.GET if request.method == "GET" else request.POST
    app = (
        ConnectedApp.objects.select_related("org", "run_as")
        .filter(consumer_key=params.get("client_id") or "")
        .first()
    )
    problem = _authorize_problem(app, params)
    if problem:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    redirect_uri, state = params["redirect_uri"], params.get("state")
    if params.get("response_type") != "code":
        return HttpResponseRedirect(
            _with_params(redirect_uri, {"error": "unsupported_response_type", "state": state})
        )
    user = _approving_user(app)
    if request.method == "GET":
        return _consent_page(request, app, user, params)
    if params.get("decision") != "allow":
        denied = {"error": "access_denied", "error_description": "end-user denied authorization"}
        return HttpResponseRedirect(_with_params(redirect_uri, {**denied, "state": state}))
    with transaction.atomic():
        code = oauth.new_authorization_code(app, user, redirect_uri)
    return HttpResponseRedirect(_with_params(redirect_uri, {"code": code, "state": state}))


def _consent_page(request, app, user, params):
    hidden = {
        name: params.get(name)
        for name in ("response_type", "client_id", "redirect_uri", "state", "scope")
        if params.get(name) is not None
    }
    context = {"app": app, "org": app.org, "user": user, "hidden": hidden}
    return render_page(request, "sandbox_salesforce/authorize.html", context)


@emulator_view
@require_http_methods(["GET"])
def identity(request, org_id: str, user_id: str):
    """The identity URL of a token answer's `id`, read with that token."""
    session = _identity_session(request)
    if isinstance(session, HttpResponse):
        return session
    user = OrgUser.objects.filter(org=session.org, user_id=user_id).first()
    if session.org.org_id != org_id or user is None:
        return HttpResponse("Bad_Id", status=404, content_type="text/plain")
    return JsonResponse(_identity_body(request, session, user))


@emulator_view
@require_http_methods(["GET", "POST"])
def userinfo(request):
    """OpenID Connect's UserInfo endpoint: the token's own user, as standard claims."""
    session = _identity_session(request)
    if isinstance(session, HttpResponse):
        return session
    identity = _identity_body(request, session, session.user)
    return JsonResponse(
        {
            "sub": identity["id"],
            "user_id": identity["user_id"],
            "organization_id": identity["organization_id"],
            "preferred_username": identity["username"],
            "nickname": identity["nick_name"],
            "name": identity["display_name"],
            "email": identity["email"],
            "email_verified": identity["email_verified"],
            "given_name": identity["first_name"],
            "family_name": identity["last_name"],
            "zoneinfo": identity["timezone"],
            "active": identity["active"],
            "user_type": identity["user_type"],
            "language": identity["language"],
            "locale": identity["locale"],
            "utcOffset": identity["utcOffset"],
            "updated_at": identity["last_modified_date"],
            "urls": identity["urls"],
        }
    )


def _identity_session(request):
    """The session of the token the call carries, or the answer Salesforce gives without one:
    the identity service answers 403 for a bad or expired token, where the REST API says 401."""
    failure = injected_failure(plan_for(Emulator.SALESFORCE))
    if failure is not None:
        return failure
    try:
        return session_for(request.headers.get("Authorization", ""), NO_FAULTS)
    except ApiError:
        return HttpResponse("Bad_OAuth_Token", status=403, content_type="text/plain")


def _identity_body(request, session, user: OrgUser) -> dict:
    url = base_url(request)
    data = (
        Record.objects.filter(record_id=user.user_id).values_list("data", flat=True).first() or {}
    )
    services = f"{url}/services/data/v{{version}}"
    return {
        "id": f"{url}/id/{session.org.org_id}/{user.user_id}",
        "asserted_user": user.pk == session.user.pk,
        "user_id": user.user_id,
        "organization_id": session.org.org_id,
        "username": user.username,
        "nick_name": data.get("Alias"),
        "display_name": data.get("Name"),
        "email": data.get("Email"),
        "email_verified": True,
        "first_name": data.get("FirstName"),
        "last_name": data.get("LastName"),
        "timezone": data.get("TimeZoneSidKey", "GMT"),
        "active": bool(data.get("IsActive", True)),
        "user_type": "STANDARD",
        "language": data.get("LanguageLocaleKey", "en_US"),
        "locale": data.get("LocaleSidKey", "en_US"),
        "utcOffset": 0,
        "last_modified_date": data.get("LastModifiedDate"),
        "urls": {
            "rest": f"{services}/",
            "sobjects": f"{services}/sobjects/",
            "query": f"{services}/query/",
            "recent": f"{services}/recent/",
            "profile": f"{url}/{user.user_id}",
        },
    }
