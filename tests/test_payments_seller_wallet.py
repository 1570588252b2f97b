"""The seller's wallet (FLUTTER_CONTRACT.md section 12.1 ``GET /seller/wallet``) and its transactions,
read from the ledger."""

import datetime as dt

import pytest

from contract import assert_dart_types
from kernel import context, db
from kernel.models import User
from payments_fixtures import customer, fund, place
from plugins.payments import services
from plugins.payments.models import LedgerEntry

WALLET_SPEC = {
    "message": "String!",
    **{f"data.{key}": "String!" for key in (
        "total_sales", "commission", "profit", "lifetime_sales", "withdrawable_amount", "growth_percentage",
        "min_withdraw_amount")},
    "data.is_withdrawable": "bool!",
    "data.pending_withdraw": "Map?",
    "data.balance": "double!",
    "data.currency": "String!",
}


def backdate(shop_id: int, reference: str, when: dt.datetime) -> None:
    """Move an order's entries into the past, as the owner would see an old delivery (tests only)."""
    with db.as_owner(), context.use(tenant=shop_id), db.transaction():
        LedgerEntry.update(created_at=when).where(LedgerEntry.reference == reference).execute()


def test_seller_wallet_sums_sales_commission_and_refunds(api, make_shop):
    # given a shop with two delivered orders (100.00 and 50.00 at 10%) and a 20.00 refund on the first
    shop, token, _ = make_shop("starter")
    user, _ = customer()
    fund(user.id, 15000)
    payment, _ = place(user.id, "wallet", {shop["id"]: 15000})
    with db.transaction():
        services.credit_shop_on_delivery(shop["id"], "order:w1", 10000, payment=payment)
        services.credit_shop_on_delivery(shop["id"], "order:w2", 5000, payment=payment)
        services.refund(payment, shop["id"], "order:w1", 2000, "return:w1")
    # when the seller reads the wallet
    response = api.get("/api/seller/wallet", token=token)
    # then every figure comes from the ledger, net of the refund, as the original's formatted strings
    assert response.status == 200, response
    assert_dart_types(response.json, WALLET_SPEC)
    data = response.json["data"]
    assert data["total_sales"] == "$130.00" and data["lifetime_sales"] == "$130.00"
    assert data["commission"] == "$13.00" and data["profit"] == "$117.00"
    assert data["withdrawable_amount"] == "$117.00" and data["balance"] == 117.0
    assert data["min_withdraw_amount"] == "$10.00" and data["is_withdrawable"] is True
    assert data["pending_withdraw"] is None and data["growth_percentage"] == "0%"


def test_seller_wallet_filters_by_period(api, make_shop):
    # given one delivery today and one last year
    shop, token, _ = make_shop("starter")
    with db.transaction():
        services.credit_shop_on_delivery(shop["id"], "order:now", 3000)
        services.credit_shop_on_delivery(shop["id"], "order:old", 1000)
    backdate(shop["id"], "order:old", dt.datetime.now().replace(month=6, day=15) - dt.timedelta(days=366))
    # when the seller asks for this year and for last year
    this_year = api.get("/api/seller/wallet", token=token, params={"filter_type": "this_year"}).json["data"]
    last_year = api.get("/api/seller/wallet", token=token, params={"filter_type": "last_year"}).json["data"]
    # then each period has its own sales, lifetime covers both, and growth compares with the period before
    assert this_year["total_sales"] == "$30.00" and this_year["lifetime_sales"] == "$40.00"
    assert this_year["growth_percentage"] == "+200.0%"
    assert last_year["total_sales"] == "$10.00" and last_year["commission"] == "$1.00"
    assert this_year["withdrawable_amount"] == last_year["withdrawable_amount"] == "$36.00"


def test_seller_wallet_input_and_access(api, make_shop, customer_token, root_token):
    _, token, _ = make_shop("free")
    # a period the original does not know is 422
    bad = api.get("/api/seller/wallet", token=token, params={"filter_type": "forever"})
    assert bad.status == 422 and "filter_type" in bad.json["errors"]
    # a customer, or root who staffs no shop, gets 403; nobody gets 401
    assert api.get("/api/seller/wallet", token=customer_token).status == 403
    assert api.get("/api/seller/wallet", token=root_token).status == 403
    assert api.get("/api/seller/wallet").status == 401
    # an empty wallet reads as zero and cannot be withdrawn
    empty = api.get("/api/seller/wallet", token=token).json["data"]
    assert empty["total_sales"] == "$0.00" and empty["is_withdrawable"] is False


def test_seller_transactions_list_the_shop_entries_only(api, make_shop):
    # given two shops with a delivery each
    a, token, _ = make_shop("starter")
    b, _, _ = make_shop("starter")
    with db.transaction():
        services.credit_shop_on_delivery(a["id"], f"order:t{a['id']}", 2000)
        services.credit_shop_on_delivery(b["id"], f"order:t{b['id']}", 2000)
    # when shop a's seller lists its transactions
    response = api.get("/api/seller/wallet/transactions", token=token)
    # then it sees its sale and commission, newest first, and nothing of shop b
    assert response.status == 200, response
    data = response.json["data"]
    assert data["total"] == 2 and data["per_page"] == 10
    assert [(t["reason"], t["direction"], t["amount"]) for t in data["transactions"]] == [
        ("commission", "debit", 2.0), ("sale", "credit", 20.0)]
    assert {t["reference"] for t in data["transactions"]} == {f"order:t{a['id']}"}


@pytest.mark.parametrize("filter_type", services.PERIODS)
def test_every_period_is_a_forward_range_ending_where_the_previous_begins(filter_type):
    # given a moment in a leap year's first week
    now = dt.datetime(2024, 1, 3, 15, 30)
    start, end, previous_start = services.period_bounds(filter_type, now)
    # then each period is non-empty and the previous one ends at its start
    assert previous_start < start < end
    if filter_type.startswith("this_") or filter_type == "today":
        assert start <= now < end


def test_demo_seller_reads_its_wallet(api, seller_token):
    # given the demo seller of the Growth shop
    assert User.get(User.email == "shop@qutekart.com")
    # then the wallet route answers with the contract's keys
    assert_dart_types(api.get("/api/seller/wallet", token=seller_token).json, WALLET_SPEC)
