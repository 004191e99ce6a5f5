import time

import requests

from integrations import recording

USER_AGENT = "bc-sf-connector/0.1 (+self-hosted BigCommerce-Salesforce connector)"
# (connect, read) seconds. A sync call never waits on a silent server past these.
DEFAULT_TIMEOUT = (5, 60)


class Session(requests.Session):
    """A requests session with a default timeout, our User-Agent and no redirects.

    Every request it sends is recorded (see integrations.recording) under `system`.
    """

    def __init__(self, system: str, timeout=DEFAULT_TIMEOUT):
        super().__init__()
        self.system = system
        self.timeout = timeout
        self.headers["User-Agent"] = USER_AGENT
        self.max_redirects = 0

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        started = time.perf_counter()
        try:
            response = super().request(method, url, **kwargs)
        except requests.RequestException as exc:
            self._record(method, url, started, error=f"{type(exc).__name__}: {exc}")
            raise
        self._record(method, url, started, response=response)
        return response

    def _record(self, method, url, started, response=None, error=""):
        request = response.request if response is not None else None
        recording.record(
            recording.Call(
                system=self.system,
                method=method.upper(),
                path=recording.path_of(request.url if request is not None else url),
                status=response.status_code if response is not None else None,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                request_bytes=len(request.body or b"") if request is not None else 0,
                response_bytes=len(response.content) if response is not None else 0,
                request_body=recording.mask_body(request.body) if request is not None else "",
                response_body=recording.mask_body(response.content) if response is not None else "",
                error=error,
            )
        )


class DowngradeToHttp(requests.adapters.HTTPAdapter):
    """Sends https:// requests for one base URL over plain http.

    simple-salesforce builds every URL as https://host:port, whatever the instance URL says; the
    sandbox Salesforce emulator on this machine speaks plain http. Mounted only for an
    instance URL that is explicitly http:// on a loopback host.
    """

    def send(self, request, **kwargs):
        request.url = "http://" + request.url.removeprefix("https://")
        return super().send(request, **kwargs)
