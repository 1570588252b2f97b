"""Migration steps of the kernel that plugins share."""

import peewee
import pytest

from kernel import db
from kernel.migrations import one_row_per_tenant


def rows(table):
    with db.as_owner():
        return db.database.obj.execute_sql(f'SELECT tenant_id, last FROM "{table}" ORDER BY tenant_id').fetchall()


def test_one_row_per_tenant_keeps_the_chosen_row_and_then_refuses_a_second(platform, make_shop):
    # given an order counter table that lost its unique index and holds two rows for one shop
    shop_id = make_shop("free")[0]["id"]
    database = db.database.obj
    mark = database.param
    with db.as_owner(), db.transaction():
        database.execute_sql('DROP INDEX "order_sequence_one_per_tenant"')
        database.execute_sql(f'INSERT INTO "order_sequence" (tenant_id, last) VALUES ({mark}, 3), ({mark}, 7)',
                             (shop_id, shop_id))
    # when the step runs, as its migration would
    with db.as_owner(), db.transaction():
        one_row_per_tenant("order_sequence", keep="last DESC, id")()
    # then the shop keeps its highest number only
    assert [row for row in rows("order_sequence") if row[0] == shop_id] == [(shop_id, 7)]
    # and a second row for the shop is refused from now on
    with pytest.raises(peewee.IntegrityError), db.as_owner(), db.transaction():
        database.execute_sql(f'INSERT INTO "order_sequence" (tenant_id, last) VALUES ({mark}, 1)', (shop_id,))
