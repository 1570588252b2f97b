"""Order e-mails: the customer hears of the order's placing and of each change of its status, the
shop's owner of each new order.

The mails are written to an outbox (``models.OrderMail``) by the plugin's own
``order_placed`` and ``order_status_changed`` hook implementations, inside the
transaction of the change they report, so a change rolled back mails nobody.
A task enqueued after commit sends each row once; a sweep sends what a lost
task left behind.
"""
