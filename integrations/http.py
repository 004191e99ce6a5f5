import requests

USER_AGENT = "bc-sf-connector/0.1 (+self-hosted BigCommerce-Salesforce connector)"
# (connect, read) seconds. A sync call never waits on a silent server past these.
DEFAULT_TIMEOUT = (5, 60)


class Session(requests.Session):
    """A requests session with a default timeout, our User-Agent and no redirects."""

    def __init__(self, timeout=DEFAULT_TIMEOUT):
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = USER_AGENT
        self.max_redirects = 0

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, **kwargs)
