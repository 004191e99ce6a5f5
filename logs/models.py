from sync.models import Outcome, SyncLogEntry  # noqa: F401
