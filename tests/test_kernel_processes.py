"""Real processes: two web processes see a plan change at once, without a restart (gunicorn, shared state);
the all-in-one server stops on a signal."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import redis
import requests

from conftest import BASE_DOMAIN, ROOT, login_token_for
from peers import Gunicorn, free_port, wait_ready


@pytest.fixture(scope="module")
def two_servers(platform):
    servers = [Gunicorn(), Gunicorn()]
    try:
        yield [server.ready().port for server in servers]
    finally:
        for server in servers:
            server.stop()


def _granted(port: int, token: str, feature: str) -> bool:
    response = requests.get(
        f"http://127.0.0.1:{port}/api/seller/features",
        headers={"Host": BASE_DOMAIN, "Authorization": f"Bearer {token}"}, timeout=5,
    )
    assert response.status_code == 200, response.text
    return next(f for f in response.json()["data"]["features"] if f["feature"] == feature)["granted"]


def test_plan_change_seen_by_other_process_without_restart(two_servers, api, make_shop):
    # given two running web processes and a Free shop whose snapshot process B has cached
    first, second = two_servers
    shop, owner_token, _ = make_shop("free")
    root = login_token_for(api, "root@qutekart.com")
    assert _granted(second, owner_token, "theming.custom") is False
    # when root moves the shop to Growth through process A
    response = requests.put(
        f"http://127.0.0.1:{first}/api/admin/shops/{shop['id']}/plan", json={"plan": "growth"},
        headers={"Host": BASE_DOMAIN, "Authorization": f"Bearer {root}"}, timeout=5,
    )
    assert response.status_code == 200, response.text
    # then process B grants the feature (at once on SQLite's shared file; within Redis pub/sub delivery)
    deadline = time.time() + 2
    while not _granted(second, owner_token, "theming.custom"):
        assert time.time() < deadline, "process B never saw the plan change"
        time.sleep(0.01)
    # and a toggle through B is seen by A the same way
    off = requests.put(
        f"http://127.0.0.1:{second}/api/seller/features/theming.custom", json={"enabled": False},
        headers={"Host": BASE_DOMAIN, "Authorization": f"Bearer {owner_token}"}, timeout=5,
    )
    assert off.status_code == 200, off.text
    deadline = time.time() + 2
    while True:
        response = requests.get(
            f"http://127.0.0.1:{first}/api/seller/features",
            headers={"Host": BASE_DOMAIN, "Authorization": f"Bearer {owner_token}"}, timeout=5,
        )
        feature = next(f for f in response.json()["data"]["features"] if f["feature"] == "theming.custom")
        if feature["enabled"] is False:
            break
        assert time.time() < deadline, "process A never saw the toggle"
        time.sleep(0.01)


@pytest.mark.parametrize("signum, silent_client", [(signal.SIGINT, False), (signal.SIGTERM, False),
                                                   (signal.SIGINT, True)], ids=["int", "term", "int-silent-client"])
def test_all_in_one_server_stops_on_ctrl_c_and_sigterm(tmp_path, signum, silent_client):
    # given `python server.py` on its embedded default (SQLite, its own huey consumer thread),
    # and perhaps a client that connected and never sent its request
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "QUTECAT_HUEY_IMMEDIATE", "QUTECAT_VAR_DIR")}
    env.update(QUTECAT_VAR_DIR=str(tmp_path / "var"), PORT=str(port), PYTHONFAULTHANDLER="1")
    proc = subprocess.Popen([sys.executable, "server.py"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(port, proc)
        silent = socket.create_connection(("127.0.0.1", port)) if silent_client else None
        if silent is not None:
            # a request answered after it proves the server accepted the silent connection first
            assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        # when it receives Ctrl-C or SIGTERM
        proc.send_signal(signum)
        # then the process exits (the consumer thread must not swallow the signal; a silent client is dropped)
        seconds = 25 if silent_client else 15
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # the fault handler prints every thread's stack
            pytest.fail(f"still running {seconds} s after {signum!r}:\n"
                        f"{proc.communicate(timeout=15)[1].decode()[-6000:]}")
        finally:
            if silent is not None:
                silent.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode is not None


def next_message(pubsub, seconds: float):
    """The next published message within ``seconds``, past subscription confirmations, or None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=max(deadline - time.monotonic(), 0))
        if message is not None:
            return message
    return None


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the version is announced over Redis only when it is set")
def test_version_announcements_stay_within_their_redis_database(platform):
    # given a listener on this deployment's channel and one on another database's, on the same server
    from kernel import invalidation, redis_client

    client = redis_client.get()
    other_db = (client.connection_pool.connection_kwargs.get("db", 0) + 1) % 16
    other = redis.Redis.from_url(os.environ["REDIS_URL"].rsplit("/", 1)[0] + f"/{other_db}")
    ours, theirs = client.pubsub(ignore_subscribe_messages=True), other.pubsub(ignore_subscribe_messages=True)
    ours.subscribe(invalidation.channel_of(client))
    theirs.subscribe(invalidation.channel_of(other))
    # when this deployment bumps its version
    invalidation.bump()
    # then its own channel carries it and the other database's hears nothing
    message = next_message(ours, 5)
    assert message is not None and int(message["data"]) == int(client.get(invalidation.KEY))
    assert next_message(theirs, 0.5) is None
    ours.close(), theirs.close()
