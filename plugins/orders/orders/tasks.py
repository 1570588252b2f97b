"""The orders' background work: invoices after placing, receipts once paid, and the expiry of unpaid online orders.

Each task carries its shop (``tenant_task``) and is idempotent: an invoice
already made is not made again, and an expired order already cancelled is
skipped, so retries and double deliveries do no harm.
"""

from huey import crontab

from kernel import context
from kernel.models import Tenant
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


@tenant_task()
def expire_orders() -> int:
    """Cancel and restock the shop's unpaid online orders past the expiry."""
    return services.expire_unpaid(context.require_tenant_id())


@huey.periodic_task(crontab(minute="*"))
def expire_unpaid_everywhere() -> None:
    """Every minute, queue the expiry of each shop, each in its own tenant."""
    for (shop_id,) in Tenant.select(Tenant.id).tuples():
        expire_orders(tenant_id=shop_id)
