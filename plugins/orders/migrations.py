"""The orders plugin's schema history."""

from kernel.migrations import (
    CURRENT_TENANT, CURRENT_USER, Migration, add_column, create_tables, one_row_per_tenant, policy, sql, steps,
)
from plugins.orders.models import MODELS
from plugins.orders.notifications import models as notifications
from plugins.orders.orders import models as orders
from plugins.orders.returns import models as returns
from plugins.orders.vouchers import models as vouchers

OWNER = f"user_id = {CURRENT_USER}"

MIGRATIONS = [
    Migration(1, "addresses and carts", steps(
        create_tables(*MODELS),
        # Addresses are the customer's alone; cart lines are also their shop's (tenant policy of create_tables).
        policy("address", "owner", OWNER, check=OWNER),
        policy("cart_item", "owner", OWNER, check=OWNER),
        sql(
            # One default address per customer, whatever two concurrent requests do.
            "CREATE UNIQUE INDEX address_one_default ON address (user_id) WHERE is_default",
            # Lines of the same product, size and colour merge; NULL (no size, no colour) counts as a value here.
            "CREATE UNIQUE INDEX cart_item_line ON cart_item "
            "(user_id, product_id, COALESCE(size_id, 0), COALESCE(color_id, 0))",
        ),
    )),
    Migration(2, "orders", steps(
        create_tables(*orders.MODELS),
        # A shop sees its orders (tenant policy of create_tables); the customer reads theirs across shops.
        # Every write goes through the shop's context, so the customer's policies only read.
        *(policy(table, "customer_read", OWNER, command="SELECT")
          for table in ("order", "order_item", "order_status_event")),
        policy("placement_key", "owner", OWNER, check=OWNER),
    )),
    Migration(3, "coupons", steps(
        create_tables(*vouchers.MODELS),
        # Active coupons are everyone's to read; a shop manages its own, administrators the platform's
        # (NULL shop; the routes check the permission). Usage rows: their shop (tenant policy) and customer.
        policy("coupon", "public_read", "is_active", command="SELECT"),
        policy("coupon", "shop_owner", f"tenant_id = {CURRENT_TENANT}", check=f"tenant_id = {CURRENT_TENANT}"),
        policy("coupon", "platform", "tenant_id IS NULL", check="tenant_id IS NULL"),
        policy("coupon_customer", "owner", OWNER, check=OWNER),
        policy("coupon_usage", "customer_read", OWNER, command="SELECT"),
        # One code per scope: per shop, and once among the platform's (NULL shop counts as a value here).
        sql("CREATE UNIQUE INDEX coupon_code_scope ON coupon (COALESCE(tenant_id, 0), code)"),
    )),
    Migration(4, "returns", steps(
        create_tables(*returns.MODELS),
        # Like orders: the shop owns its returns (tenant policy), the customer reads theirs across shops,
        # and every write goes through the shop's context.
        *(policy(table, "customer_read", OWNER, command="SELECT") for table in ("return_order", "return_order_item")),
    )),
    Migration(5, "order mails and payment receipts", steps(
        # The order mails' outbox: the shop's alone (tenant policy); customers never read it.
        create_tables(*notifications.MODELS),
        add_column("order", "receipt_key", "VARCHAR(255)"),
    )),
    # The counter's unique index was skipped by create_tables (peewee's name clash); keep each shop's highest.
    Migration(6, "one order counter per shop", one_row_per_tenant("order_sequence", keep="last DESC, id")),
    # The sweep of documents whose task was lost reads these instead of every order of the shop.
    Migration(7, "orders lacking their invoice or receipt", sql(
        'CREATE INDEX order_lacking_invoice ON "order" (tenant_id) WHERE invoice_key IS NULL',
        """CREATE INDEX order_lacking_receipt ON "order" (tenant_id) WHERE receipt_key IS NULL AND payment_status = 'Paid'""",
    )),
]
