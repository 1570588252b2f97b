"""Test kit: a fresh database (SQLite, or PostgreSQL when DATABASE_URL is set), the booted
platform with essential and demo seeds, an API client speaking to it through WSGI, and
helpers for tokens and shops on a given plan."""

import os
import secrets
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VAR_DIR = Path(tempfile.mkdtemp(prefix="qutecat-test-"))
BASE_DOMAIN = "qutecat.test"
os.environ["QUTECAT_VAR_DIR"] = str(VAR_DIR)
os.environ["QUTECAT_HUEY_IMMEDIATE"] = "1"
os.environ["BASE_DOMAIN"] = BASE_DOMAIN
os.environ["APP_ENV"] = "development"
os.environ.pop("SMTP_URL", None)
os.environ.pop("QUTECAT_TRACE_HOOKS", None)

ADMIN_DB_URL = os.environ.get("DATABASE_URL") or None
TEST_DB_NAME = None


def _create_postgres_database(url: str) -> str:
    """Create a fresh database next to the one named by DATABASE_URL and return its URL."""
    import psycopg2

    global TEST_DB_NAME
    TEST_DB_NAME = f"qutecat_test_{os.getpid()}_{secrets.token_hex(3)}"
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{TEST_DB_NAME}"')
    conn.close()
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"/{TEST_DB_NAME}"))


if ADMIN_DB_URL:
    os.environ["DATABASE_URL"] = _create_postgres_database(ADMIN_DB_URL)

if os.environ.get("REDIS_URL"):
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def pytest_sessionfinish(session, exitstatus):
    if ADMIN_DB_URL and TEST_DB_NAME:
        import psycopg2

        from kernel import db

        try:
            db.database.obj.close_all()
        except Exception:
            pass
        conn = psycopg2.connect(ADMIN_DB_URL)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{TEST_DB_NAME}" WITH (FORCE)')
        conn.close()


@pytest.fixture(scope="session")
def platform():
    """The booted platform, migrated and seeded (essential, demo, branding)."""
    from kernel import migrations, seeding
    from kernel.boot import boot

    booted = boot()
    migrations.migrate(booted.host, echo=lambda _m: None)
    seeding.run(booted.host, echo=lambda _m: None)
    return booted


class Response:
    def __init__(self, result):
        self.result = result
        self.status = result.status_code
        self.headers = result.headers
        self.text = result.text
        self.content = result.content

    @property
    def json(self):
        return self.result.json

    def __repr__(self):
        return f"<Response {self.status} {self.text[:300]}>"


class Api:
    """Calls the WSGI app like the mobile app does: JSON bodies, a Host, an optional bearer token."""

    def __init__(self, app, host: str = BASE_DOMAIN):
        from falcon import testing

        self.client = testing.TestClient(app)
        self.host = host

    def request(self, method, path, *, json=None, token=None, host=None, headers=None, params=None,
                query_string=None, body=None, content_type=None, remote_addr=None):
        all_headers = {"Accept": "application/json"}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        if content_type:
            all_headers["Content-Type"] = content_type
        all_headers.update(headers or {})
        kwargs = {}
        if remote_addr:
            kwargs["remote_addr"] = remote_addr
        result = self.client.simulate_request(
            method, path, json=json, headers=all_headers, host=host or self.host, params=params,
            query_string=query_string, body=body, **kwargs,
        )
        return Response(result)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture(scope="session")
def api(platform):
    return Api(platform.app)


def login(api, login_value: str, password: str = "secret", path: str = "/api/login", field: str = "phone") -> str:
    response = api.post(path, json={field: login_value, "password": password})
    assert response.status == 200, response
    return response.json["data"]["access"]["token"]


@pytest.fixture(scope="session")
def root_token(api):
    return login_token_for(api, "root@qutekart.com")


@pytest.fixture(scope="session")
def seller_token(api):
    return login_token_for(api, "shop@qutekart.com")


@pytest.fixture(scope="session")
def customer_token(api):
    return login_token_for(api, "customer@qutekart.com")


def login_token_for(api, email: str) -> str:
    """Issue a token directly (tests of login itself go through the routes)."""
    from kernel import tokens
    from kernel.models import User

    user = User.get(User.email == email)
    token, _ = tokens.issue(user, name="test")
    return token


@pytest.fixture
def make_shop(api, root_token):
    """Create a shop on a plan through the admin API; returns (shop dict, owner token, host)."""

    def create(plan: str = "free"):
        slug = f"s{secrets.token_hex(4)}"
        response = api.post("/api/admin/shops", token=root_token, json={
            "name": f"Shop {slug}", "slug": slug, "plan": plan,
            "owner": {"name": "Owner", "email": f"{slug}@example.com", "phone": f"01{secrets.randbelow(10**9):09d}",
                      "password": "secret123"},
        })
        assert response.status == 201, response
        shop = response.json["data"]["shop"]
        return shop, login_token_for(api, f"{slug}@example.com"), f"{slug}.{BASE_DOMAIN}"

    return create


@pytest.fixture(scope="session")
def notes(platform):
    """A tenant-owned table that exists only in tests, migrated like a plugin's (with RLS on PostgreSQL)."""
    import peewee

    from kernel import db
    from kernel.migrations import create_tables
    from kernel.orm import TenantModel

    class Note(TenantModel):
        text = peewee.CharField()

    with db.as_owner():
        create_tables(Note)()
        if db.is_postgres():
            db.database.obj.execute_sql(f"GRANT ALL ON note TO {db.APP_ROLE}")
            db.database.obj.execute_sql(f"GRANT ALL ON SEQUENCE note_id_seq TO {db.APP_ROLE}")
    return Note
