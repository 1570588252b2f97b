"""Order e-mails: the customer and the shop's owner on placing, the customer on each status change;
written with the change, sent after commit by tasks carrying the shop, once, and again after a failure."""

import dataclasses
import datetime as dt
import email
import email.policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

import catalog_fixtures as cf
from kernel import config, context, db, tenancy
from kernel.hookspecs import hookimpl
from kernel.models import User
from orders_fixtures import add, buyer_with_address, place
from peers import free_port
from plugins.orders.notifications import services as mails
from plugins.orders.notifications import tasks
from plugins.orders.notifications.models import OrderMail
from plugins.orders.orders import services
from plugins.orders.orders.models import Order


@pytest.fixture
def shop(make_shop):
    """A shop and its owner's e-mail address: ``(shop_id, owner_email, seller_token)``."""
    made, seller_token, _ = make_shop("starter")
    cf.shop_profile(made["id"], delivery_charge=300)
    owner = User.get_by_id(tenancy.get(made["id"]).owner_id)
    return made["id"], owner.email, seller_token


def inbox(address: str) -> list[email.message.EmailMessage]:
    """The mails written to var/mail/ for one address (the embedded default's SMTP stand-in)."""
    folder = config.settings.var_dir / "mail"
    found = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in folder.glob("*.eml")]
    return [m for m in found if m["To"] == address]


def placed(api, shop_id):
    """A customer's pending cash order of 2 x 12.50: ``(order, customer, token)``."""
    product = cf.product(shop_id, category=cf.category(), name=cf.unique("Teapot"), price=1250, quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id, quantity=2)
    assert place(api, token, address_id, [shop_id]).status == 200
    with context.use(user=user.id):
        return Order.across_tenants().where(Order.user == user.id).get(), user, token


def outbox(order) -> list[OrderMail]:
    with context.use(tenant=order.tenant_id):
        return list(OrderMail.select().where(OrderMail.order == order.id).order_by(OrderMail.id))


def test_placing_mails_the_customer_and_the_shop_owner(api, shop):
    # given a shop and its owner
    shop_id, owner_email, _ = shop
    # when a customer places an order
    order, customer, _ = placed(api, shop_id)
    # then the customer gets the order with its lines, total and address
    [to_customer] = inbox(customer.email)
    assert to_customer["Subject"] == f"Your order {order.code} is placed"
    text = to_customer.get_content()
    [item] = services.items_of(order)
    assert f"2 x {item.name}: 25.00" in text and "Total: 28.00" in text and "Road 1" in text
    assert "Payment: Cash Payment" in text
    # and the owner is told of the new order
    [to_owner] = inbox(owner_email)
    assert to_owner["Subject"] == f"New order {order.code}" and customer.name in to_owner.get_content()
    # and the outbox rows are the shop's and marked sent
    rows = outbox(order)
    assert [r.recipient for r in rows] == [customer.email, owner_email]
    assert all(r.tenant_id == shop_id and r.sent_at is not None and r.attempts == 1 for r in rows)


def test_each_status_change_mails_the_customer(api, shop):
    # given a placed order
    shop_id, owner_email, seller_token = shop
    order, customer, token = placed(api, shop_id)
    # when the seller confirms it, the customer tries to cancel it (refused once confirmed), the seller cancels it
    confirm = api.post(f"/api/seller/orders/{order.id}/status", json={"order_status": "Confirm"}, token=seller_token)
    refused = api.post(f"/api/orders/{order.id}/cancel", token=token)
    cancel = api.post(f"/api/seller/orders/{order.id}/status", json={"order_status": "Cancelled"},
                      token=seller_token)
    assert (confirm.status, refused.status, cancel.status) == (200, 422, 200)
    # then the customer got one mail per change that happened, none for the refused one
    subjects = sorted(m["Subject"] for m in inbox(customer.email))
    assert subjects == sorted([f"Your order {order.code} is placed",
                               f"Your order {order.code} has been confirmed by the shop",
                               f"Your order {order.code} has been cancelled"])
    # and the owner only of the placing
    assert len(inbox(owner_email)) == 1


class Refuser:
    @hookimpl
    def order_status_changed(self, order, from_status, to_status, actor):
        raise RuntimeError("refused by a plugin")


def test_a_change_rolled_back_mails_nobody(api, shop, platform):
    # given a placed order and a plugin that refuses every status change
    order, customer, token = placed(api, shop[0])
    platform.host.pm.register(Refuser(), name="refuser")
    try:
        # when the customer cancels it
        with pytest.raises(RuntimeError):
            services.change_status(order, "Cancelled", "customer", customer.id)
    finally:
        platform.host.pm.unregister(name="refuser")
    # then the change and its mail were rolled back together
    assert [r.subject for r in outbox(order)] == [f"Your order {order.code} is placed", f"New order {order.code}"]
    assert len(inbox(customer.email)) == 1


def test_sending_again_sends_nothing(api, shop):
    # given an order whose mails went out
    order, customer, _ = placed(api, shop[0])
    rows = outbox(order)
    # when the task is delivered again for each mail, and the sweep runs later
    again = [tasks.send_order_mail(row.id, tenant_id=order.tenant_id).get() for row in rows]
    later = dt.datetime.utcnow() + mails.LEASE * 2
    swept = tasks.resend_order_mails(now=later, tenant_id=order.tenant_id).get()
    # then nothing more is sent
    assert again == [False, False] and swept == 0
    assert len(inbox(customer.email)) == 1


def test_a_mail_the_server_refused_is_sent_by_the_sweep(api, shop, monkeypatch):
    # given a mail server that is down while an order is placed
    settings = config.settings
    monkeypatch.setattr(config, "settings", dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{free_port()}"))
    order, customer, _ = placed(api, shop[0])
    # then the order is placed, its mails wait unsent with their lease given back
    rows = outbox(order)
    assert len(rows) == 2 and all(r.sent_at is None and r.claimed_at is None and r.attempts == 1 for r in rows)
    with context.use(tenant=order.tenant_id):
        assert mails.due() == []  # too fresh: the task's own retries come first
    # when the server is back and the sweep runs after the lease
    monkeypatch.setattr(config, "settings", settings)
    later = dt.datetime.utcnow() + mails.LEASE * 2
    swept = tasks.resend_order_mails(now=later, tenant_id=order.tenant_id).get()
    # then both mails go out, once
    assert swept == 2 and len(inbox(customer.email)) == 1
    assert all(r.sent_at is not None for r in outbox(order))


def test_a_mail_held_by_a_live_worker_is_not_sent_twice(api, shop):
    # given an order mail another worker has just taken (its lease is fresh)
    order, customer, _ = placed(api, shop[0])
    with context.use(tenant=order.tenant_id), db.transaction():
        row = OrderMail.create(order=order.id, recipient=customer.email, subject="Held", body="x",
                               claimed_at=dt.datetime.utcnow())
    # when the task is delivered to a second worker, then it leaves the mail alone
    with context.use(tenant=order.tenant_id):
        assert mails.send(row.id) is False
        # and once the lease is over, the sweep takes it over
        assert mails.send(row.id, now=dt.datetime.utcnow() + mails.LEASE * 2) is True
    assert [m["Subject"] for m in inbox(customer.email)].count("Held") == 1


def test_mails_go_through_a_real_smtp_server(api, shop, monkeypatch):
    class Inbox(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    # given a real SMTP server as SMTP_URL
    received = Inbox()
    port = free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, smtp_url=f"smtp://127.0.0.1:{port}"))
    try:
        # when an order is placed
        order, customer, _ = placed(api, shop[0])
    finally:
        controller.stop()
    # then the server received both mails over SMTP
    assert sorted(m["To"] for m in received.messages) == sorted([customer.email, shop[1]])
    assert f"Your order {order.code} is placed" in [m["Subject"] for m in received.messages]
