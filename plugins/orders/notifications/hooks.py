"""The orders plugin's own ``order_placed`` and ``order_status_changed`` implementations: the order mails.

They run inside the change's transaction and write the mails there; the
sending is enqueued after commit. Their names differ from the hooks'
(``specname``) because the plugin's coupons implement the same hooks.
"""

from kernel import db
from kernel.hookspecs import hookimpl
from plugins.orders.notifications import services, tasks


def _send_after_commit(order, mail_ids: list[int]) -> None:
    for mail_id in mail_ids:
        db.on_commit(lambda mail_id=mail_id: tasks.send_order_mail(mail_id, tenant_id=order.tenant_id))


@hookimpl(specname="order_placed")
def mail_order_placed(order, totals):
    """Mail the new order to its customer and to its shop's owner."""
    _send_after_commit(order, services.placed(order))


@hookimpl(specname="order_status_changed")
def mail_order_status_changed(order, from_status, to_status, actor):
    """Mail the customer the order's new status."""
    _send_after_commit(order, services.status_changed(order, to_status))
