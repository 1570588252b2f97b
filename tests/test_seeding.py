"""Seeding is phased and idempotent: re-running any phase changes no row."""

import subprocess
import sys

import pytest

from conftest import ROOT
from kernel import db, seeding
from kernel.models import Permission, Plan, Role, User
from kernel.passwords import verify_password


def _snapshot() -> dict:
    """Every row of every table, read as the owner so row-level security hides nothing."""
    database = db.database.obj
    rows = {}
    with db.as_owner():
        for table in sorted(database.get_tables()):
            if table in ("rate_counter", "state_version"):
                continue
            cursor = database.execute_sql(f'SELECT * FROM "{table}" ORDER BY 1')
            rows[table] = [tuple(map(repr, row)) for row in cursor.fetchall()]
    return rows


@pytest.mark.parametrize("phases", [("essential",), ("demo",), ("branding",), seeding.PHASES])
def test_rerunning_a_phase_changes_no_row(platform, phases):
    # given a database the phase has already been applied to (other tests may have deleted seeded rows)
    seeding.run(platform.host, phases=phases, echo=lambda _m: None)
    before = _snapshot()
    # when the phase runs again
    seeding.run(platform.host, phases=phases, echo=lambda _m: None)
    # then every table holds exactly the same rows
    after = _snapshot()
    assert after == before


def test_essential_data_is_there(platform):
    assert {r.name for r in Role.select()} >= {"root", "superadmin", "seller", "customer", "rider"}
    assert Permission.select().count() >= 50
    assert [p.slug for p in Plan.select().order_by(Plan.sort_order)] == ["free", "starter", "growth", "enterprise"]


def test_demo_accounts_use_secret_in_development(platform):
    for email in ("root@qutekart.com", "shop@qutekart.com", "rider@qutekart.com", "customer@qutekart.com"):
        user = User.get(User.email == email)
        assert verify_password(user.password_hash, "secret"), email
    assert User.get(User.email == "customer@qutekart.com").phone == "01700000000"


def test_production_demo_needs_flag_and_generates_passwords(tmp_path):
    # given a fresh production database
    env = {"PATH": "/usr/bin:/bin", "APP_ENV": "production", "SECRET_KEY": "x" * 32,
           "QUTECAT_VAR_DIR": str(tmp_path), "QUTECAT_HUEY_IMMEDIATE": "1", "HOME": str(tmp_path)}
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "server.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    # when demo seeding runs without --demo, then it is skipped
    plain = run("seed", "--phase", "demo")
    assert plain.returncode == 0, plain.stderr
    assert "needs --demo" in plain.stdout
    # when it runs with --demo, then generated passwords are printed once, never "secret"
    flagged = run("seed", "--phase", "essential", "--phase", "demo", "--demo")
    assert flagged.returncode == 0, flagged.stderr
    assert "Generated demo passwords" in flagged.stdout
    line = next(li for li in flagged.stdout.splitlines() if "root@qutekart.com:" in li)
    password = line.split(":", 1)[1].strip()
    assert password and password != "secret"
    again = run("seed", "--phase", "demo", "--demo")
    assert "Generated demo passwords" not in again.stdout
