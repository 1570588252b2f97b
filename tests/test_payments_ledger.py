"""Payments and the ledger: settling once, shop credit and commission on delivery, refunds, derived balances."""

from decimal import Decimal

import pytest

from kernel import context, db
from payments_fixtures import customer, fund, place
from plugins.payments import ledger, services
from plugins.payments.gateways import GatewayNotOffered
from plugins.payments.models import (
    CUSTOMER_WALLET, PAID, PENDING, PLATFORM, PLATFORM_OWNER, REFUNDED, SHOP_WALLET, LedgerEntry, Payment,
)


def shop_entries(shop_id: int) -> list[tuple]:
    with context.use(tenant=shop_id):
        rows = LedgerEntry.select().where(LedgerEntry.tenant_id == shop_id).order_by(LedgerEntry.id)
        return [(e.account, e.direction, e.amount, e.reason, e.reference) for e in rows]


def ledger_sum(account: str, owner_id: int) -> int:
    return sum(ledger.sums(account, owner_id).values())


def test_cash_payment_stays_pending_until_every_share_is_collected(make_shop):
    # given a cash checkout across two shops
    a, _, _ = make_shop("free")
    b, _, _ = make_shop("starter")
    user, _ = customer()
    payment, started = place(user.id, "cash", {a["id"]: 1500, b["id"]: 2500})
    # then nothing is collected yet: no web view, the payment and both shares pending
    assert started.redirect_url is None
    assert payment.status == PENDING and payment.amount == 4000 and payment.currency == "USD"
    assert [(s.tenant_id, s.amount, s.status) for s in services.shares_of(payment)] == [
        (a["id"], 1500, PENDING), (b["id"], 2500, PENDING)]
    # when the first shop's rider collects, then only that share is paid
    with db.transaction():
        assert services.mark_share_paid(payment, a["id"]) is True
    assert services.get_payment(payment.id, user.id).status == PENDING
    # when the same collection is recorded again, then nothing changes
    with db.transaction():
        assert services.mark_share_paid(payment, a["id"]) is False
    # when the last share is collected, then the payment is paid
    with db.transaction():
        assert services.mark_share_paid(payment, b["id"]) is True
    assert services.get_payment(payment.id, user.id).status == PAID


def test_a_gateway_some_shop_lacks_is_refused(make_shop):
    # given a Free shop (no wallet) and a Starter shop in one checkout
    free, _, _ = make_shop("free")
    starter, _, _ = make_shop("starter")
    user, _ = customer()
    # when the customer asks to pay by wallet, or by a gateway nobody has
    # then the payment is refused before anything is written
    for gateway in ("wallet", "bitcoin"):
        with pytest.raises(GatewayNotOffered):
            place(user.id, gateway, {free["id"]: 100, starter["id"]: 100})
    with context.use(user=user.id):
        assert not Payment.select().where(Payment.user == user.id).exists()


def test_mark_paid_is_idempotent_and_keeps_the_gateway_reference(make_shop):
    # given a pending cash payment
    shop, _, _ = make_shop("free")
    user, _ = customer()
    payment, _ = place(user.id, "cash", {shop["id"]: 700})
    # when the gateway's confirmation arrives twice
    with db.transaction():
        first = services.mark_paid(payment, external_reference=f"ext-{payment.id}")
    with db.transaction():
        second = services.mark_paid(payment, external_reference=f"ext-{payment.id}")
    # then it is settled once, every share with it
    assert (first, second) == (True, False)
    settled = services.get_payment(payment.id, user.id)
    assert settled.status == PAID and settled.paid_at is not None and settled.external_reference == f"ext-{payment.id}"
    assert [s.status for s in services.shares_of(settled)] == [PAID]
    # and a paid payment can no longer fail or be cancelled
    with db.transaction():
        assert services.mark_failed(settled, "late decline") is False
        assert services.cancel(settled) is False


def test_cancelled_payment_cannot_be_paid(make_shop):
    shop, _, _ = make_shop("free")
    user, _ = customer()
    payment, _ = place(user.id, "cash", {shop["id"]: 700})
    # when its orders expire unpaid
    with db.transaction():
        assert services.cancel(payment, "expired") is True
    # then a late confirmation changes nothing
    with db.transaction():
        assert services.mark_paid(payment) is False
    closed = services.get_payment(payment.id, user.id)
    assert closed.status == "cancelled" and closed.failure_reason == "expired"


def test_delivery_credits_the_shop_and_debits_the_commission_once(make_shop):
    # given a shop and the default 10% commission
    shop, _, _ = make_shop("starter")
    assert services.commission_percent() == Decimal("10.00")
    # when an order of 123.45 is delivered, and the delivery is recorded again
    with db.transaction():
        first = services.credit_shop_on_delivery(shop["id"], "order:9001", 12345)
    with db.transaction():
        again = services.credit_shop_on_delivery(shop["id"], "order:9001", 12345)
    # then the shop got the sale, the commission (12.35, half up) went to the platform, once
    assert (first, again) == (True, False)
    assert shop_entries(shop["id"]) == [
        (SHOP_WALLET, "credit", 12345, "sale", "order:9001"),
        (SHOP_WALLET, "debit", 1235, "commission", "order:9001"),
        (PLATFORM, "credit", 1235, "commission", "order:9001"),
    ]
    with context.use(tenant=shop["id"]):
        assert ledger.balance(SHOP_WALLET, shop["id"]) == 11110 == ledger_sum(SHOP_WALLET, shop["id"])


def test_credit_rolls_back_with_the_delivery(make_shop):
    # given a delivery whose transaction fails after the credit
    shop, _, _ = make_shop("starter")
    with pytest.raises(RuntimeError):
        with db.transaction():
            services.credit_shop_on_delivery(shop["id"], "order:9002", 5000)
            raise RuntimeError("the order update failed")
    # then no money moved, and the retried delivery credits it
    assert shop_entries(shop["id"]) == []
    with db.transaction():
        assert services.credit_shop_on_delivery(shop["id"], "order:9002", 5000) is True


def test_commission_follows_the_platform_setting_and_an_explicit_rate(api, root_token, customer_token, make_shop):
    shop, _, _ = make_shop("starter")
    # when a customer tries to change the commission, then it is refused
    assert api.put("/api/admin/payments/settings", token=customer_token, json={"commission_percent": 0}).status == 403
    # when root sets 12.5%
    response = api.put("/api/admin/payments/settings", token=root_token, json={"commission_percent": 12.5})
    try:
        assert response.status == 200 and response.json["data"]["commission_percent"] == 12.5
        with db.transaction():
            services.credit_shop_on_delivery(shop["id"], "order:9003", 1000)
            # and an order carrying its own rate (a shop's negotiated one) uses that
            services.credit_shop_on_delivery(shop["id"], "order:9004", 1000, commission=Decimal("0"))
    finally:
        api.put("/api/admin/payments/settings", token=root_token, json={"commission_percent": 10})
    # then 12.5% of 10.00 is 1.25, and a zero rate posts no commission at all
    assert [e for e in shop_entries(shop["id"]) if e[3] == "commission"] == [
        (SHOP_WALLET, "debit", 125, "commission", "order:9003"), (PLATFORM, "credit", 125, "commission", "order:9003")]
    assert api.get("/api/admin/payments/settings", token=root_token).json["data"]["commission_percent"] == 10.0


def test_payment_settings_input_is_checked(api, root_token):
    # when root sends a rate over 100, three decimals, a string or nothing
    for body in ({"commission_percent": 101}, {"commission_percent": 1.005}, {"min_withdraw_amount": "lots"}, {}):
        response = api.put("/api/admin/payments/settings", token=root_token, json=body)
        # then 422 in the envelope
        assert response.status == 422, (body, response)
        assert "data" not in response.json and response.json["message"]


def test_refund_of_a_delivered_wallet_order(make_shop):
    # given a Starter shop, a wallet payment of 80.00 and its delivery (8.00 commission)
    shop, _, _ = make_shop("starter")
    user, _ = customer()
    fund(user.id, 10000)
    payment, _ = place(user.id, "wallet", {shop["id"]: 8000})
    with db.transaction():
        services.credit_shop_on_delivery(shop["id"], f"order:{payment.id}", 8000, payment=payment)
    # when an approved return of 20.00 is refunded, twice with the same reference
    with db.transaction():
        refund = services.refund(payment, shop["id"], f"order:{payment.id}", 2000, f"return:{payment.id}")
    with db.transaction():
        again = services.refund(payment, shop["id"], f"order:{payment.id}", 2000, f"return:{payment.id}")
    # then the money went back to the wallet once, the shop paid it and got its 2.00 commission back
    assert refund.method == "wallet" and again.id == refund.id
    with context.use(user=user.id):
        assert ledger.balance(CUSTOMER_WALLET, user.id) == 10000 - 8000 + 2000 == ledger_sum(CUSTOMER_WALLET, user.id)
    assert shop_entries(shop["id"])[3:] == [
        (SHOP_WALLET, "debit", 2000, "refund", f"return:{payment.id}"),
        (SHOP_WALLET, "credit", 200, "commission_refund", f"return:{payment.id}"),
        (PLATFORM, "debit", 200, "commission_refund", f"return:{payment.id}"),
    ]
    with context.use(tenant=shop["id"]):
        assert ledger.balance(SHOP_WALLET, shop["id"]) == 8000 - 800 - 2000 + 200
    # when the rest is refunded, then the payment is refunded in full; more is refused
    with db.transaction():
        services.refund(payment, shop["id"], f"order:{payment.id}", 6000, f"return2:{payment.id}")
    assert services.get_payment(payment.id, user.id).status == REFUNDED
    with pytest.raises(services.RefundError):
        with db.transaction():
            services.refund(payment, shop["id"], f"order:{payment.id}", 1, f"return3:{payment.id}")


def test_refund_of_cash_is_manual_and_needs_the_share_paid(make_shop):
    # given an undelivered cash order
    shop, _, _ = make_shop("free")
    user, _ = customer()
    payment, _ = place(user.id, "cash", {shop["id"]: 3000})
    # when a refund is asked before the cash was collected, then it is refused (nothing was paid)
    with pytest.raises(services.RefundError):
        with db.transaction():
            services.refund(payment, shop["id"], "order:c1", 3000, f"cash-early:{payment.id}")
    # when the cash was collected (not yet credited) and the order is refunded
    with db.transaction():
        services.mark_share_paid(payment, shop["id"])
        refund = services.refund(payment, shop["id"], "order:c1", 3000, f"cash:{payment.id}")
    # then the operator pays it back by hand, and no shop money moves since the shop was never credited
    assert refund.method == "manual" and refund.amount == 3000
    assert shop_entries(shop["id"]) == []
    assert services.get_payment(payment.id, user.id).status == REFUNDED


def test_ledger_rejects_a_second_posting_and_non_positive_amounts():
    # given a customer and a posted top-up
    user, _ = customer()
    fund(user.id, 500, reference="once")
    # when the same movement is posted again, then nothing is added
    fund(user.id, 500, reference="once")
    with context.use(user=user.id):
        assert ledger.balance(CUSTOMER_WALLET, user.id) == 500
        assert ledger.entries(CUSTOMER_WALLET, user.id).count() == 1
    # and a zero or negative amount is a programming error, never posted
    with pytest.raises(ValueError):
        fund(user.id, 0)


def test_platform_commission_is_derived_from_the_ledger(make_shop):
    # given two shops' deliveries
    a, _, _ = make_shop("starter")
    b, _, _ = make_shop("starter")
    with db.transaction():
        services.credit_shop_on_delivery(a["id"], "order:p1", 10000)
        services.credit_shop_on_delivery(b["id"], "order:p2", 5000)
    # then each shop reads only the commission taken from it
    for shop, cut in ((a, 1000), (b, 500)):
        with context.use(tenant=shop["id"]):
            rows = LedgerEntry.select().where(
                (LedgerEntry.account == PLATFORM) & (LedgerEntry.owner_id == PLATFORM_OWNER)
                & (LedgerEntry.tenant_id == shop["id"])
            )
            assert [e.amount for e in rows] == [cut]
