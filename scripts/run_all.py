"""Run the connector's web server, Celery worker and Celery beat in one terminal.

Output is prefixed with each process's name. Ctrl-C (or SIGTERM) asks each process to stop
(SIGTERM to its main process, so the worker finishes its task and stops its own pool), waits,
and only then kills what is left. If one process dies, the others are stopped too.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

GRACE_SECONDS = 20
HOST = os.environ.get("CONNECTOR_HOST", "127.0.0.1")
PORT = os.environ.get("CONNECTOR_PORT", "8000")

PROCESSES = {
    "web": [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}"],
    "worker": [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "connector",
        "worker",
        "--loglevel=INFO",
        "--queues=default,webhooks,sync",
        "--concurrency=2",
        "--hostname=worker@%h",
    ],
    "beat": [sys.executable, "-m", "celery", "-A", "connector", "beat", "--loglevel=INFO"],
}
COLOURS = {"web": "\033[36m", "worker": "\033[33m", "beat": "\033[35m"}
RESET = "\033[0m"


def start(name: str, argv: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen(  # noqa: S603 - fixed argv built above
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches only us; we decide how each one stops.
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    threading.Thread(target=relay, args=(name, proc), daemon=True).start()
    return proc


def relay(name: str, proc: subprocess.Popen) -> None:
    colour = COLOURS[name] if sys.stdout.isatty() else ""
    prefix = f"{colour}{name:>6} |{RESET if colour else ''} "
    for line in iter(proc.stdout.readline, b""):
        sys.stdout.write(prefix + line.decode(errors="replace"))
        sys.stdout.flush()


def stop_all(procs: dict[str, subprocess.Popen]) -> None:
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for proc in procs.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    for name, proc in procs.items():
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # leftovers: the reloader's child, pool workers
        except ProcessLookupError:
            continue
        if proc.returncode is None:
            print(f"{name} did not stop within {GRACE_SECONDS} s and was killed.", flush=True)


def main() -> int:
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    procs = {name: start(name, argv) for name, argv in PROCESSES.items()}
    exit_code = 0
    while not stopping.wait(0.5):
        ended = [name for name, proc in procs.items() if proc.poll() is not None]
        if ended:
            print(f"{', '.join(ended)} exited; stopping the others.", flush=True)
            exit_code = 1
            break
    print("Stopping web, worker and beat…", flush=True)
    stop_all(procs)
    print("All stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
