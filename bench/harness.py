"""What every benchmark needs: the connector served in-process on a throwaway database.

By default a temporary SQLite database and var directory, so a benchmark never touches a
developer's data; BENCH_DATABASE_URL points it at an (empty) PostgreSQL database instead.
"""

import atexit
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    var_dir = tempfile.mkdtemp(prefix="bench-")
    atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    os.environ["CONNECTOR_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{var_dir}/bench.sqlite3"
    )
    if "BENCH_REDIS_URL" in os.environ:
        os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    else:
        os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def serve() -> str:
    """Serve the app from threads on a free loopback port; returns its base URL."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def setup(self):
            super().setup()
            # Without it, Nagle's algorithm and the client's delayed ACK add ~40 ms to answers
            # written in more than one send (headers, then body).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def timed(action) -> float:
    """Milliseconds one call of `action` takes."""
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def summary(name: str, samples: list[float], unit: str = "ms") -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{name:<46} n={len(ordered):<3} min={ordered[0]:8.1f}  "
        f"median={statistics.median(ordered):8.1f}  p95={p95:8.1f} {unit}"
    )
