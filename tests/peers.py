"""Running real servers beside the tests: a free port, waiting for a server to answer, the
platform under a real gunicorn, and a redis-server of a test's own that it may stop and start again."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
import requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(port: int, proc, seconds: float = 60) -> None:
    """Wait until the server on ``port`` answers ``/healthz``; fail with its stderr if it exits first."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise TimeoutError("server did not start")


ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    """``gunicorn server:app`` with the repository's settings on a free port, started at once.

    ``env`` defaults to this suite's environment (its database, its Redis);
    call :meth:`ready` before using it and :meth:`stop` at the end.
    """

    def __init__(self, workers: int = 1, threads: int = 2, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "server:app", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{self.port}",
             "-w", str(workers), "--threads", str(threads)],
            cwd=ROOT, env=dict(os.environ) if env is None else env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def ready(self) -> "Gunicorn":
        wait_ready(self.port, self.proc)
        return self

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test may stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
