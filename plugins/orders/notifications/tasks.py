"""Sending order e-mails: a task per mail after commit, and a sweep for the mails a lost task left.

Both carry the shop (``tenant_task``) and are idempotent: a mail already sent
or held by another worker is skipped (``services.send``).
"""

import logging

from huey import crontab

from kernel.models import Tenant
from kernel.queue import huey, tenant_task
from plugins.orders.notifications import services

log = logging.getLogger("qutecat.orders.mail")


@tenant_task(retries=3, retry_delay=60)
def send_order_mail(mail_id: int) -> bool:
    """Send one order mail; True when this run sent it."""
    return services.send(mail_id)


@tenant_task()
def resend_order_mails(now=None) -> int:
    """Send the shop's mails left unsent (a worker killed, retries spent); returns how many went out."""
    sent = 0
    for mail_id in services.due(now):
        try:
            sent += services.send(mail_id, now)
        except OSError:
            log.warning("order mail %s not sent; the next sweep tries again", mail_id, exc_info=True)
    return sent


@huey.periodic_task(crontab(minute="*/10"))
def resend_order_mails_everywhere() -> None:
    """Every ten minutes, queue each shop's sweep, each in its own tenant."""
    for (shop_id,) in Tenant.select(Tenant.id).tuples():
        resend_order_mails(tenant_id=shop_id)
