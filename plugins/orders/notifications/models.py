"""The outbox of order e-mails, owned by the order's shop."""

import peewee

from kernel.orm import TenantModel, utcnow
from plugins.orders.orders.models import Order


class OrderMail(TenantModel):
    """One e-mail about an order, composed when the change it reports was made.

    ``claimed_at`` is the lease of the worker sending it (so two deliveries of
    the task send it once); ``sent_at`` says it went out; ``attempts`` counts
    the tries, so an address the mail server keeps refusing is given up on.
    """

    order = peewee.ForeignKeyField(Order, on_delete="CASCADE")
    recipient = peewee.CharField(max_length=190)
    subject = peewee.CharField(max_length=200)
    body = peewee.TextField()
    attempts = peewee.IntegerField(default=0)
    claimed_at = peewee.DateTimeField(null=True)
    sent_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("tenant_id", "sent_at", "created_at"), False),)


MODELS = [OrderMail]
