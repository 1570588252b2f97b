"""PostgreSQL row-level security: the database itself keeps shops apart, whatever the query says."""

import pytest

from kernel import context, db

pytestmark = pytest.mark.skipif(
    not __import__("os").environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)


def _raw_count(sql="SELECT count(*) FROM note"):
    return db.database.obj.execute_sql(sql).fetchone()[0]


def test_app_role_is_neither_owner_nor_superuser(notes):
    user, superuser = db.database.obj.execute_sql(
        "SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
    ).fetchone()
    assert user == db.APP_ROLE and superuser is False
    owner = db.database.obj.execute_sql("SELECT tableowner FROM pg_tables WHERE tablename = 'note'").fetchone()[0]
    assert owner != db.APP_ROLE


def _two_shops_with_a_note(notes, make_shop, prefix: str):
    """Two shops, each with one note ``"<prefix> <shop id>"``."""
    shops = make_shop()[0], make_shop()[0]
    for shop in shops:
        with context.use(tenant=shop["id"]), db.transaction():
            notes.create(text=f"{prefix} {shop['id']}")
    return shops


def test_query_without_tenant_sees_no_rows(notes, make_shop):
    # given two shops with a note each
    a, _ = _two_shops_with_a_note(notes, make_shop, "note of")
    # when raw SQL runs with no tenant set, then the database returns nothing
    assert _raw_count() == 0
    # when it runs as shop a, then only a's rows are visible, even to a query without a filter
    with context.use(tenant=a["id"]):
        assert _raw_count() == 1
        with db.transaction():
            assert _raw_count() == 1
    # and after the transaction nothing leaks to the next use of the pooled connection
    assert _raw_count() == 0


def test_cannot_write_a_row_for_another_tenant(notes, make_shop):
    import peewee

    a, _, _ = make_shop()
    b, _, _ = make_shop()
    with context.use(tenant=a["id"]):
        with pytest.raises(peewee.DatabaseError):
            with db.transaction():
                db.database.obj.execute_sql("INSERT INTO note (tenant_id, text) VALUES (%s, 'forged')", (b["id"],))


def test_tenant_switch_inside_a_transaction_follows(notes, make_shop):
    a, _, _ = make_shop()
    b, _, _ = make_shop()
    with context.use(tenant=b["id"]), db.transaction():
        notes.create(text="b only")
    with db.transaction():
        with context.use(tenant=a["id"]):
            assert _raw_count("SELECT count(*) FROM note WHERE text = 'b only'") == 0
        with context.use(tenant=b["id"]):
            assert _raw_count("SELECT count(*) FROM note WHERE text = 'b only'") == 1


def _current_user():
    return db.database.obj.execute_sql("SELECT current_user").fetchone()[0]


def test_pooled_connections_keep_the_app_role_after_owner_blocks():
    # the role is set once per physical connection; as_owner switches back before the pool gets it again
    with db.as_owner():
        assert _current_user() != db.APP_ROLE
    for _ in range(3):
        assert _current_user() == db.APP_ROLE
        db.release()


def test_a_connection_whose_role_cannot_be_restored_is_closed_not_pooled():
    import peewee

    # given an owner block that leaves its connection in an aborted transaction (SET ROLE then fails)
    with pytest.raises(peewee.DatabaseError):
        with db.as_owner():
            db.database.obj.execute_sql("BEGIN")
            try:
                db.database.obj.execute_sql("SELECT 1/0")
            except peewee.DatabaseError:
                pass
    # then the next statement runs on another connection, as the app role
    assert _current_user() == db.APP_ROLE
    db.release()


def test_switches_inside_savepoints_and_their_rollback_keep_the_right_tenant(notes, make_shop):
    a, b = _two_shops_with_a_note(notes, make_shop, "only")
    mine = "SELECT count(*) FROM note WHERE text = 'only %s'"
    with context.use(tenant=a["id"]), db.transaction():
        with pytest.raises(RuntimeError):
            with db.transaction():
                with context.use(tenant=b["id"]):
                    assert _raw_count(mine % b["id"]) == 1
                raise RuntimeError("roll the savepoint back")
        # back in shop a after the rolled-back savepoint, whatever was sent inside it
        assert _raw_count(mine % a["id"]) == 1 and _raw_count(mine % b["id"]) == 0
        with context.use(tenant=b["id"]):
            pass  # a switch with no statement sends nothing, and changes nothing
        assert _raw_count(mine % a["id"]) == 1


def test_disconnect_leaves_no_pooled_connection_for_forked_workers():
    # given a connection used and handed back to the pool (as the gunicorn master does when it migrates)
    assert _current_user() == db.APP_ROLE
    db.release()
    pool = db.database.obj
    assert pool._connections
    # when the master disconnects before forking, then no worker can inherit an open connection
    db.disconnect()
    assert not pool._connections and not pool._in_use
    assert _current_user() == db.APP_ROLE
    db.release()


def test_a_transaction_reaches_the_server_with_its_first_statement(notes, make_shop):
    import peewee

    a, _, _ = make_shop()
    with context.use(tenant=a["id"]):
        # an empty transaction sends nothing, and leaves the connection idle
        with db.transaction():
            pass
        assert db.database.obj.connection().get_transaction_status() == 0  # idle
        # statements of one transaction commit together, or roll back together
        with db.transaction():
            notes.create(text="lazy 1")
            assert db.database.obj.connection().get_transaction_status() == 2  # inside a transaction
            notes.create(text="lazy 2")
        with pytest.raises(peewee.IntegrityError):
            with db.transaction():
                notes.create(text="lazy 3")
                notes.create(text=None)
        texts = {n.text for n in notes.select().where(notes.text.startswith("lazy"))}
    assert texts == {"lazy 1", "lazy 2"}
