import random
from dataclasses import dataclass


@dataclass
class RetryPolicy:
    """Bounded retries with exponential back-off and jitter, for errors that may pass."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_rate_limit_wait: float = 300.0  # total seconds one call may spend waiting on 429s

    def backoff(self, attempt: int) -> float:
        delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return delay * random.uniform(0.5, 1)  # noqa: S311 - jitter, not security
