"""Customer wallets: paying from the balance (never below zero, even under concurrency), the wallet route,
the operator's top-up, and row-level security on PostgreSQL."""

import os
from concurrent.futures import ThreadPoolExecutor

import peewee
import pytest

from kernel import context, db
from kernel.models import User
from payments_fixtures import customer, fund, place
from plugins.payments import ledger, services
from plugins.payments.gateways import PaymentDeclined
from plugins.payments.models import CUSTOMER_WALLET, PAID, LedgerEntry, WalletBalance

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def balance(user_id: int) -> int:
    with context.use(user=user_id):
        return ledger.balance(CUSTOMER_WALLET, user_id)


def test_paying_by_wallet_debits_it_and_settles_at_once(make_shop):
    # given a customer with 50.00 and two Starter shops
    a, _, _ = make_shop("starter")
    b, _, _ = make_shop("starter")
    user, _ = customer()
    fund(user.id, 5000)
    # when a 30.00 checkout across both is paid by wallet
    payment, started = place(user.id, "wallet", {a["id"]: 1000, b["id"]: 2000})
    # then no web view is needed, the payment and its shares are paid and 20.00 is left
    assert started.redirect_url is None
    assert payment.status == PAID
    assert balance(user.id) == 2000
    with context.use(user=user.id):
        debit = ledger.entry_of(CUSTOMER_WALLET, user.id, "payment", f"payment:{payment.id}")
    assert debit.amount == 3000 and debit.direction == "debit" and debit.payment_id == payment.id


def test_a_short_wallet_declines_and_nothing_is_kept(make_shop):
    # given a customer with 10.00
    shop, _, _ = make_shop("starter")
    user, _ = customer()
    fund(user.id, 1000)
    # when a 10.01 checkout is paid by wallet, then it is declined with a message for the customer
    with pytest.raises(PaymentDeclined, match="too low"):
        place(user.id, "wallet", {shop["id"]: 1001})
    # and the balance, the ledger and the payments are as before
    assert balance(user.id) == 1000
    with context.use(user=user.id):
        assert ledger.entries(CUSTOMER_WALLET, user.id).count() == 1
    # when exactly the balance is spent, then it reaches zero
    place(user.id, "wallet", {shop["id"]: 1000})
    assert balance(user.id) == 0


def test_concurrent_wallet_payments_never_overdraw(make_shop):
    # given a customer whose 50.00 covers exactly five 10.00 payments
    shop, _, _ = make_shop("starter")
    user, _ = customer()
    fund(user.id, 5000)

    def pay(_):
        try:
            place(user.id, "wallet", {shop["id"]: 1000})
            return "paid"
        except PaymentDeclined:
            return "declined"
        finally:
            db.release()

    # when twelve checkouts race for the money
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(pay, range(12)))
    # then exactly five are paid, the others declined, and the balance is zero, as the ledger says
    assert outcomes.count("paid") == 5 and outcomes.count("declined") == 7
    assert balance(user.id) == 0
    with context.use(user=user.id):
        assert sum(ledger.sums(CUSTOMER_WALLET, user.id).values()) == 0
        assert ledger.entries(CUSTOMER_WALLET, user.id).where(LedgerEntry.reason == "payment").count() == 5


# -- GET /api/wallet -------------------------------------------------------------------


def test_wallet_route_shows_balance_and_history(api, make_shop):
    # given a customer with two top-ups and a wallet payment
    shop, _, _ = make_shop("starter")
    user, token = customer()
    fund(user.id, 2550, reference="first")
    fund(user.id, 1000, reference="second")
    place(user.id, "wallet", {shop["id"]: 1200})
    # when the customer reads their wallet, two entries per page
    response = api.get("/api/wallet", token=token, params={"page": 1, "per_page": 2})
    # then the balance is exact and the entries come newest first, with every row counted
    assert response.status == 200, response
    data = response.json["data"]
    assert data["balance"] == 23.5 and data["balance_text"] == "$23.50" and data["currency"] == "USD"
    assert data["total"] == 3 and data["page"] == 1 and data["per_page"] == 2
    assert [(t["direction"], t["amount"], t["reason"]) for t in data["transactions"]] == [
        ("debit", 12.0, "payment"), ("credit", 10.0, "top_up")]
    assert all(isinstance(t["amount"], float) for t in data["transactions"])
    # and without paging keys the original's default of 10 per page applies
    assert api.get("/api/wallet", token=token).json["data"]["per_page"] == 10


def test_wallet_route_needs_a_customer_and_the_feature(api, make_shop, seller_token):
    # given a fresh customer
    _, token = customer()
    # then anonymous callers get 401 and a seller 403
    assert api.get("/api/wallet").status == 401
    assert api.get("/api/wallet", token=seller_token).status == 403
    # and on a Free shop's host, whose plan lacks wallets, the route is gated
    _, _, free_host = make_shop("free")
    gated = api.get("/api/wallet", token=token, host=free_host)
    assert gated.status == 403 and gated.json["feature"] == "payments.wallet"
    # while a new customer's empty wallet reads as zero
    empty = api.get("/api/wallet", token=token).json["data"]
    assert empty["balance"] == 0.0 and empty["transactions"] == [] and empty["total"] == 0


def test_wallet_paging_input_is_checked(api):
    _, token = customer()
    response = api.get("/api/wallet", token=token, params={"per_page": 0})
    assert response.status == 422 and "per_page" in response.json["errors"]


# -- POST /api/admin/wallets/{user_id}/credit ------------------------------------------------


def test_admin_top_up_credits_once_per_reference(api, root_token):
    # given a customer
    user, token = customer()
    # when root credits 12.34 twice under one reference
    body = {"amount": 12.34, "note": "Goodwill", "reference": f"ticket-{user.id}"}
    first = api.post(f"/api/admin/wallets/{user.id}/credit", token=root_token, json=body)
    second = api.post(f"/api/admin/wallets/{user.id}/credit", token=root_token, json=body)
    # then the wallet holds 12.34 once, and the second answer says it was already made
    assert first.status == 200 and first.json["data"]["credited"] is True, first
    assert second.status == 200 and second.json["data"]["credited"] is False
    assert second.json["data"]["balance"] == 12.34 and balance(user.id) == 1234
    history = api.get("/api/wallet", token=token).json["data"]["transactions"]
    assert [(t["reason"], t["note"]) for t in history] == [("top_up", "Goodwill")]
    # and without a reference each call is its own top-up
    api.post(f"/api/admin/wallets/{user.id}/credit", token=root_token, json={"amount": "0.66"})
    assert balance(user.id) == 1300


def test_admin_top_up_permissions(api, customer_token, seller_token):
    # given a customer
    user, token = customer()
    path = f"/api/admin/wallets/{user.id}/credit"
    # when a customer (even for themselves), a seller or nobody tries, then it is refused
    assert api.post(path, token=token, json={"amount": 5}).status == 403
    assert api.post(path, token=customer_token, json={"amount": 5}).status == 403
    assert api.post(path, token=seller_token, json={"amount": 5}).status == 403
    assert api.post(path, json={"amount": 5}).status == 401
    assert balance(user.id) == 0


def test_admin_top_up_input_is_checked(api, root_token, seller_token):
    user, _ = customer()
    path = f"/api/admin/wallets/{user.id}/credit"
    # when the amount is missing, zero, negative, has three decimals, is a boolean or absurd
    for body in ({}, {"amount": 0}, {"amount": -5}, {"amount": 1.001}, {"amount": True}, {"amount": 10**9},
                 {"amount": "NaN"}):
        response = api.post(path, token=root_token, json=body)
        # then 422 with the field named, never a 500, never data
        assert response.status == 422, (body, response)
        assert "amount" in response.json["errors"] and "data" not in response.json
    # and a user that is not a customer, or does not exist, is not found
    seller = User.get(User.email == "shop@qutekart.com")
    assert api.post(f"/api/admin/wallets/{seller.id}/credit", token=root_token, json={"amount": 5}).status == 404
    assert api.post("/api/admin/wallets/2000000000/credit", token=root_token, json={"amount": 5}).status == 404
    assert balance(user.id) == 0


# -- row-level security ---------------------------------------------------------------


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only")
def test_database_shows_a_customer_only_their_own_wallet():
    # given two customers with money
    alice, _ = customer()
    bob, _ = customer()
    fund(alice.id, 100)
    fund(bob.id, 200)
    raw = "SELECT count(*) FROM ledger_entry WHERE account = 'customer_wallet'"

    def count(sql=raw):
        return db.database.obj.execute_sql(sql).fetchone()[0]

    # when raw SQL runs as each of them, or as nobody
    with context.use(user=alice.id):
        alice_sees = count()
        alice_balances = count("SELECT count(*) FROM wallet_balance")
    # then each sees only their own rows, and nobody sees none
    assert alice_sees == 1 and alice_balances == 1
    assert count() == 0
    # and a forged entry for someone else is refused by the database
    with context.use(user=alice.id):
        with pytest.raises(peewee.DatabaseError):
            with db.transaction():
                db.database.obj.execute_sql(
                    "INSERT INTO ledger_entry (account, owner_id, direction, amount, currency, reason, reference, "
                    "note, created_at) VALUES ('customer_wallet', %s, 'credit', 999, 'USD', 'top_up', 'forged', '', "
                    "now())", (bob.id,))


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only")
def test_the_ledger_is_append_only_for_the_application(make_shop):
    # given a customer's entry
    user, _ = customer()
    fund(user.id, 100)
    # when the application tries to change or delete it, even as its owner
    with context.use(user=user.id), db.transaction():
        changed = LedgerEntry.update(amount=1_000_000).where(LedgerEntry.owner_id == user.id).execute()
        deleted = LedgerEntry.delete().where(LedgerEntry.owner_id == user.id).execute()
    # then the database touches no row
    assert (changed, deleted) == (0, 0)
    with context.use(user=user.id):
        assert [e.amount for e in ledger.entries(CUSTOMER_WALLET, user.id)] == [100]
        assert WalletBalance.get(WalletBalance.owner_id == user.id).balance == 100


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only")
def test_database_shows_a_shop_only_its_own_wallet(make_shop):
    # given two shops credited for an order each
    a, _, _ = make_shop("starter")
    b, _, _ = make_shop("starter")
    with db.transaction():
        services.credit_shop_on_delivery(a["id"], f"order:rls-{a['id']}", 1000)
        services.credit_shop_on_delivery(b["id"], f"order:rls-{b['id']}", 1000)
    # when raw SQL runs as shop a, then it sees its own sale, commission and the platform's cut from it only
    with context.use(tenant=a["id"]):
        rows = db.database.obj.execute_sql("SELECT DISTINCT tenant_id FROM ledger_entry").fetchall()
        owners = db.database.obj.execute_sql("SELECT DISTINCT owner_id FROM wallet_balance").fetchall()
    assert rows == [(a["id"],)] and owners == [(a["id"],)]
