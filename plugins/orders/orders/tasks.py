"""The orders' background work: invoices after placing, receipts once paid, and the expiry of unpaid online orders.

Each task carries its shop (``tenant_task``) and is idempotent: an invoice
already made is not made again, and an expired order already cancelled is
skipped, so retries and double deliveries do no harm. A sweep makes the
documents whose task never ran.
"""

import datetime as dt

from huey import crontab

from kernel import context
from kernel.models import Tenant
from kernel.orm import utcnow
from kernel.queue import huey, tenant_task
from plugins.orders.orders import invoice, services
from plugins.orders.orders.models import PAYMENT_PAID, Order


@tenant_task(retries=2, retry_delay=30)
def make_invoice(order_id: int) -> str | None:
    """Render and store the order's invoice once; returns its storage key (None when the order is gone)."""
    order = Order.get_or_none(Order.id == order_id)
    return invoice.ensure(order) if order is not None else None


@tenant_task(retries=2, retry_delay=30)
def make_receipt(order_id: int) -> str | None:
    """Render and store a paid order's payment receipt once; returns its storage key (None while unpaid)."""
    order = Order.get_or_none(Order.id == order_id)
    return invoice.ensure_receipt(order) if order is not None and order.payment_status == PAYMENT_PAID else None


# An order changed more recently than this may still have its document's task on the way.
SWEEP_AFTER = dt.timedelta(minutes=5)
# Orders one sweep of one shop makes documents for; the next sweep takes the rest.
SWEEP_BATCH = 100


@tenant_task()
def make_missing_documents(now: dt.datetime | None = None) -> int:
    """Make the shop's invoices and receipts that their tasks left unmade; returns how many orders it completed."""
    lacking = services.lacking_documents(context.require_tenant_id(), (now or utcnow()) - SWEEP_AFTER, SWEEP_BATCH)
    for order in lacking:
        if order.invoice_key is None:
            invoice.ensure(order)
        if order.receipt_key is None and order.payment_status == PAYMENT_PAID:
            invoice.ensure_receipt(order)
    return len(lacking)


@huey.periodic_task(crontab(minute="*/10"))
def make_missing_documents_everywhere() -> None:
    """Every ten minutes, queue each shop's sweep of missing invoices and receipts, each in its own tenant."""
    for (shop_id,) in Tenant.select(Tenant.id).tuples():
        make_missing_documents(tenant_id=shop_id)


@tenant_task()
def expire_orders() -> int:
    """Cancel and restock the shop's unpaid online orders past the expiry."""
    return services.expire_unpaid(context.require_tenant_id())


@huey.periodic_task(crontab(minute="*"))
def expire_unpaid_everywhere() -> None:
    """Every minute, queue the expiry of each shop, each in its own tenant."""
    for (shop_id,) in Tenant.select(Tenant.id).tuples():
        expire_orders(tenant_id=shop_id)
