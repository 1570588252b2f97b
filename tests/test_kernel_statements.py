"""Compiled statements: the same rows, ids and counts as the peewee query, with the tenant bound per call."""

import datetime as dt

import pytest

from kernel import context, db
from kernel.context import NoTenantError
from kernel.models import Plan, Tenant
from kernel.orm import utcnow
from kernel.statements import Create, Slot, Statement


@pytest.fixture
def two_shops(notes, make_shop):
    a, _, _ = make_shop()
    b, _, _ = make_shop()
    for shop in (a, b):
        with context.use(tenant=shop["id"]), db.transaction():
            for n in range(3):
                notes.create(text=f"{shop['id']}-{n}")
    return a["id"], b["id"]


def test_select_binds_the_tenant_of_each_call(notes, two_shops):
    a, b = two_shops
    by_text = Statement(lambda: notes.select().where(notes.text == Slot("text")))
    with context.use(tenant=a):
        assert [row.text for row in by_text.rows(text=f"{a}-1")] == [f"{a}-1"]
        # another shop's row is not there for this one, though the SQL is the same
        assert by_text.rows(text=f"{b}-1") == []
    with context.use(tenant=b):
        assert by_text.first(text=f"{b}-2").text == f"{b}-2"
        assert by_text.first(text=f"{a}-2") is None


def test_a_tenant_scoped_statement_fails_closed_without_a_tenant(notes, two_shops):
    count = Statement(lambda: notes.select(notes.id).where(notes.text == Slot("text")).tuples())
    with pytest.raises(NoTenantError):
        count.rows(text="anything")


def test_list_slots_take_any_length_and_match_the_plain_query(notes, two_shops):
    a, _ = two_shops
    among = Statement(lambda: notes.select(notes.text).where(notes.text.in_(Slot("texts", many=True)))
                      .order_by(notes.text).tuples())
    with context.use(tenant=a):
        for texts in ([f"{a}-0"], [f"{a}-0", f"{a}-2"], [], [f"{a}-0", f"{a}-1", f"{a}-2", "none"]):
            plain = list(notes.select(notes.text).where(notes.text.in_(texts)).order_by(notes.text).tuples())
            assert among.rows(texts=texts) == plain


def test_joins_build_related_models(two_shops):
    a, _ = two_shops
    plan_of = Statement(lambda: Tenant.select(Tenant, Plan).join(Plan).where(Tenant.id == Slot("id")))
    tenant = plan_of.first(id=a)
    assert tenant.id == a and tenant.plan.slug == Tenant.get_by_id(a).plan.slug


def test_insert_returns_the_id_and_update_delete_return_counts(notes, two_shops):
    a, _ = two_shops
    insert = Statement(lambda: notes.insert(tenant_id=Slot("tenant", notes.tenant_id), text=Slot("text", notes.text)))
    rename = Statement(lambda: notes.update(text=Slot("new", notes.text)).where(notes.text == Slot("old")))
    remove = Statement(lambda: notes.delete().where(notes.id == Slot("id")))
    with context.use(tenant=a), db.transaction():
        new_id = insert.execute(tenant=a, text="compiled")
        assert notes.get_by_id(new_id).text == "compiled"
        assert rename.execute(old="compiled", new="renamed") == 1
        assert rename.execute(old="compiled", new="again") == 0
        assert remove.execute(id=new_id) == 1
        assert notes.get_or_none(notes.id == new_id) is None


def test_converters_apply_to_slot_values(two_shops):
    a, _ = two_shops
    # a model instance for a foreign key is turned into its id, as in a plain peewee comparison
    by_plan = Statement(lambda: Tenant.select(Tenant.id).where((Tenant.plan == Slot("plan")) & (Tenant.id == Slot("id")))
                        .tuples())
    tenant = Tenant.get_by_id(a)
    assert by_plan.rows(plan=tenant.plan, id=a) == [(a,)]


def test_impure_builders_and_missing_callable_defaults_are_refused(notes):
    since = Statement(lambda: Tenant.select().where(Tenant.created_at <= utcnow()))
    with pytest.raises(ValueError, match="pure"):
        since.rows()
    # the tenant default of a tenant-owned row is a callable: an insert must give it
    insert = Statement(lambda: notes.insert(text=Slot("text", notes.text)))
    with pytest.raises(ValueError, match="tenant_id"):
        insert.execute(text="x")
    fixed = Statement(lambda: Tenant.select(Tenant.id).where(Tenant.created_at <= Slot("now")).tuples())
    assert isinstance(fixed.rows(now=utcnow() + dt.timedelta(days=1)), list)


def test_a_missing_value_is_a_clear_error(notes, two_shops):
    a, _ = two_shops
    by_text = Statement(lambda: notes.select().where(notes.text == Slot("text")))
    with context.use(tenant=a), pytest.raises(TypeError, match="text"):
        by_text.rows()


def test_each_shape_compiles_its_own_sql(notes, two_shops):
    a, _ = two_shops

    def build(newest_first):
        order = notes.id.desc() if newest_first else notes.id
        return notes.select(notes.text).order_by(order).tuples()

    ordered = Statement(build)
    with context.use(tenant=a):
        assert ordered.rows(True) == list(reversed(ordered.rows(False)))
        assert ordered.rows(False) == [(f"{a}-0",), (f"{a}-1",), (f"{a}-2",)]


def test_create_fills_defaults_in_context_and_returns_the_saved_row(notes, two_shops):
    a, _ = two_shops
    create = Create(notes)
    with context.use(tenant=a), db.transaction():
        note = create(text="made")
        assert note.id and note.tenant_id == a and not note.is_dirty()
        assert notes.get_by_id(note.id).text == "made"
    with pytest.raises(NoTenantError):
        create(text="nobody's")


def test_create_many_writes_every_row_in_one_statement_per_count(notes, two_shops):
    a, _ = two_shops
    create = Create(notes)
    with context.use(tenant=a), db.transaction():
        for texts in (["m1"], ["m2", "m3", "m4"], []):
            made = create.many([{"text": text} for text in texts])
            assert [row.text for row in made] == texts and all(row.tenant_id == a for row in made)
        stored = sorted(t for (t,) in notes.select(notes.text).where(notes.text.startswith("m")).tuples())
    assert stored == ["m1", "m2", "m3", "m4"]


postgres_only = pytest.mark.skipif(not __import__("os").environ.get("DATABASE_URL", "").startswith("postgres"),
                                   reason="prepared statements are PostgreSQL's")


def _prepared_on_this_connection() -> set[str]:
    rows = db.database.obj.execute_sql("SELECT name FROM pg_prepared_statements").fetchall()
    return {name for (name,) in rows}


@postgres_only
def test_statements_run_prepared_once_per_connection(notes, two_shops):
    a, _ = two_shops
    by_text = Statement(lambda: notes.select(notes.text).where(notes.text == Slot("text")).tuples())
    with context.use(tenant=a), db.transaction():
        assert by_text.rows(text=f"{a}-0") == [(f"{a}-0",)]
        names = _prepared_on_this_connection()
        assert any(name.startswith("qc_") for name in names)
        # the second call executes what the first prepared (no new statement) and sees other values
        assert by_text.rows(text=f"{a}-1") == [(f"{a}-1",)]
        assert _prepared_on_this_connection() == names


@postgres_only
def test_a_failed_first_call_leaves_the_statement_usable(notes, two_shops):
    import peewee

    a, _ = two_shops
    ratio = Statement(lambda: notes.select((notes.id / Slot("by")).alias("r")).where(notes.text == Slot("text"))
                      .tuples())
    with context.use(tenant=a):
        connection = db.database.obj.connection()
        # the PREPARE goes out with an EXECUTE that fails (division by zero): the transaction rolls back,
        # the prepared statement stays on the connection
        with pytest.raises(peewee.DataError):
            with db.transaction():
                ratio.rows(by=0, text=f"{a}-0")
        # on the same connection the statement runs again (no second PREPARE of the same name)
        with db.transaction():
            [(value,)] = ratio.rows(by=1, text=f"{a}-0")
        assert db.database.obj.connection() is connection
        assert value == notes.get(notes.text == f"{a}-0").id
