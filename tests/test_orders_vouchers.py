"""Coupons: the app's voucher routes in the contract types, each reason a code is refused, percentage, amount and
cap, a platform coupon shared over shops, uses taken with orders and given back on cancellation (also under
concurrency), and management by administrators and sellers."""

import datetime as dt
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

import catalog_fixtures as cf
from contract import assert_dart_types, under
from kernel import context, db
from kernel.orm import utcnow
from orders_fixtures import add, buyer_with_address, place
from plugins.orders.orders.models import Order
from plugins.orders.vouchers import services
from plugins.orders.vouchers.models import Coupon, CouponCustomer, CouponUsage

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
VOUCHER = {
    "id": "int!", "voucher_type": "String!", "code": "String!", "discount_type": "String!", "discount": "double!",
    "min_order_amount": "double!", "max_discount_amount": "double!", "limit_for_user": "int!", "shop_id": "int!",
    "started": "String!", "validity": "String!", "is_collected": "bool!",
}
LIST_SPEC = {"message": "String!", "data.coupons": "List!", **under("data.coupons[]", VOUCHER)}


@pytest.fixture
def shops(api, root_token):
    """Two marketplace shops (delivery 5.00 and 2.50): ``[shop_id, shop_id]``."""
    first, second = cf.shop(api, root_token, "starter")[0], cf.shop(api, root_token, "free")[0]
    cf.shop_profile(first, delivery_charge=500)
    cf.shop_profile(second, delivery_charge=250)
    return [first, second]


def coupon(shop_id=None, **fields) -> Coupon:
    """A coupon valid since yesterday for a week: 10 % unless told otherwise."""
    now = utcnow()
    data = {"code": f"C{secrets.token_hex(4)}", "discount_type": "Percentage", "discount": Decimal("10"),
            "starts_at": now - dt.timedelta(days=1), "ends_at": now + dt.timedelta(days=7), **fields}
    with context.use(tenant=shop_id):
        return services.create(shop_id, data)


def change(row: Coupon, **columns) -> None:
    with context.use(tenant=row.tenant_id), db.transaction():
        Coupon.update(**columns).where(Coupon.id == row.id).execute()


def fresh(row: Coupon) -> Coupon:
    with context.use(tenant=row.tenant_id):
        return Coupon.get_by_id(row.id)


def standing(row: Coupon, user_id: int) -> CouponCustomer | None:
    with context.use(user=user_id):
        return CouponCustomer.get_or_none((CouponCustomer.coupon == row.id) & (CouponCustomer.user == user_id))


def cart_with(api, token, *pairs):
    """Fill the cart with one product per ``(shop_id, price)``."""
    for shop_id, price in pairs:
        add(api, token, cf.product(shop_id, category=cf.category(), price=price, quantity=20).id)


def apply(api, token, code, shop_ids):
    body = {"coupon_code": code, "products": [{"id": 1, "quantity": 1, "shop_id": shop_id} for shop_id in shop_ids]}
    return api.post("/api/apply-voucher", json=body, token=token)


def summary(api, token, shop_ids, code):
    body = {"coupon_code": code, "shop_ids": shop_ids, "is_buy_now": None}
    response = api.post("/api/cart/checkout", json=body, token=token)
    assert response.status == 200, response
    return response.json


def test_vouchers_parse_as_the_app_reads_them_and_collect_once(api, shops):
    # given a coupon of the first shop, one of the platform, and a customer
    first, _ = shops
    mine, platform = coupon(first, discount_type="Amount", discount=Decimal("2.50")), coupon(None)
    _, token = cf.customer()
    # when the app lists the shop's vouchers
    listed = api.get("/api/get-vouchers", params={"shop_id": first}, token=token)
    # then they parse as VoucherModel, with only that shop's coupon
    assert listed.status == 200, listed
    assert_dart_types(listed.json, LIST_SPEC)
    (voucher,) = listed.json["data"]["coupons"]
    assert voucher["id"] == mine.id and voucher["discount_type"] == "Amount" and voucher["discount"] == 2.5
    assert voucher["shop_id"] == first and voucher["is_collected"] is False
    # and without a shop the platform's are listed (shop_id 0), on the canonical route too
    codes = {c["code"]: c for c in api.get("/api/coupons", token=token).json["data"]["coupons"]}
    assert codes[platform.code]["shop_id"] == 0 and codes[platform.code]["discount"] == 10.0
    # when the voucher is collected twice, then both answer 200 and the second says so without data
    collected = api.post("/api/vouchers-collect", json={"coupon_id": mine.id}, token=token)
    again = api.post("/api/vouchers-collect", json={"coupon_id": mine.id}, token=token)
    assert collected.status == 200 and collected.json["data"]["coupon"]["is_collected"] is True
    assert again.status == 200 and again.json["message"] == "Voucher already collected" and "data" not in again.json
    listed = api.get("/api/get-vouchers", params={"shop_id": first}, token=token).json["data"]["coupons"]
    assert listed[0]["is_collected"] is True
    # and an unknown voucher answers 404
    assert api.post("/api/vouchers-collect", json={"coupon_id": 2_000_000}, token=token).status == 404


@pytest.mark.parametrize("fields, price, expected", [
    ({"discount": Decimal("10")}, 5000, 5.0),
    ({"discount": Decimal("12.5")}, 3333, 4.17),
    ({"discount": Decimal("50"), "max_discount_amount": Decimal("10")}, 5000, 10.0),
    ({"discount_type": "Amount", "discount": Decimal("7.50")}, 5000, 7.5),
    ({"discount_type": "Amount", "discount": Decimal("80")}, 5000, 50.0),
])
def test_percentage_amount_and_cap(api, shops, fields, price, expected):
    # given a cart of one shop and a coupon of that shop
    first, _ = shops
    row = coupon(first, **fields)
    _, token = cf.customer()
    cart_with(api, token, (first, price))
    # when the code is applied, then the discount is the percentage or amount, within the cap and the subtotal
    applied = apply(api, token, row.code.lower(), [first])
    assert applied.status == 200, applied
    assert applied.json["data"]["total_discount_amount"] == expected
    # and the checkout summary shows the same discount as applied
    data = summary(api, token, [first], row.code)
    assert data["data"]["apply_coupon"] is True and data["message"] == "Coupon applied"
    assert data["data"]["checkout"]["coupon_discount"] == expected


def test_platform_coupon_is_shared_over_the_shops_summing_exactly(api, shops):
    # given lines of 10.00 and 20.01 in two shops, and a platform coupon of 10 % (3.001 -> 3.00)
    first, second = shops
    row = coupon(None)
    _, token = cf.customer()
    cart_with(api, token, (first, 1000), (second, 2001))
    # when the summary is asked for with the code
    data = summary(api, token, [first, second], row.code)["data"]
    # then the parts follow the subtotals and add up to the whole discount exactly
    parts = {item["shop_id"]: item["coupon_discount"] for item in data["checkout_items"]}
    assert parts == {first: 1.0, second: 2.0}
    assert data["checkout"]["coupon_discount"] == 3.0
    assert services.split(300, [(1, 1000), (2, 2001)]) == {1: 100, 2: 200}
    assert sum(services.split(1001, [(1, 1), (2, 1), (3, 1)]).values()) == 1001
    # and a shop's own coupon with the same code wins for that shop
    own = coupon(first, code=row.code, discount_type="Amount", discount=Decimal("4"))
    data = summary(api, token, [first, second], own.code)["data"]
    parts = {item["shop_id"]: item["coupon_discount"] for item in data["checkout_items"]}
    assert parts == {first: 4.0, second: 2.0}


@pytest.mark.parametrize("reason, fields", [
    ("unknown", None),
    ("expired", {"ends_at": -1}),
    ("not_started", {"starts_at": 1}),
    ("minimum_not_reached", {"min_order_amount": 10_000}),
    ("usage_exhausted", {"usage_limit": 1, "used_count": 1}),
    ("not_collected", {"requires_collection": True}),
])
def test_each_refusal_answers_422_with_its_reason(api, shops, reason, fields):
    # given a cart of one shop and a coupon made unusable in one way
    first, _ = shops
    _, token = cf.customer()
    cart_with(api, token, (first, 5000))
    code = "NOSUCHCODE"
    if fields is not None:
        fields = dict(fields)
        row = coupon(first)
        now = utcnow()
        for key in ("starts_at", "ends_at"):
            if key in fields:
                fields[key] = now + dt.timedelta(days=fields[key])
        if "ends_at" in fields:
            fields["starts_at"] = now - dt.timedelta(days=2)
        change(row, **fields)
        code = row.code
    # when the code is applied, then 422 names the reason in the envelope
    applied = apply(api, token, code, [first])
    assert applied.status == 422 and applied.json["error"] == reason, applied
    assert applied.json["errors"]["coupon_code"] == [applied.json["message"]] and "data" not in applied.json
    # and the summary shows the coupon as not applied
    data = summary(api, token, [first], code)
    assert data["data"]["apply_coupon"] is False and data["data"]["checkout"]["coupon_discount"] == 0.0


def test_an_empty_cart_and_a_malformed_body_answer_422(api, shops):
    _, token = cf.customer()
    empty = api.post("/api/coupons/apply", json={"coupon_code": "ANY"}, token=token)
    assert empty.status == 422 and empty.json["error"] == "empty_cart"
    bad = api.post("/api/apply-voucher", json={"coupon_code": "", "products": "x"}, token=token)
    assert bad.status == 422 and "errors" in bad.json


def test_a_use_is_taken_with_the_order_and_given_back_on_cancellation(api, shops):
    # given a platform coupon once per customer, and a cart in two shops
    first, second = shops
    row = coupon(None, limit_per_user=1)
    user, token, address_id = buyer_with_address()
    cart_with(api, token, (first, 1000), (second, 2001))
    # when both shops are placed with the code
    placed = place(api, token, address_id, [first, second], coupon_code=row.code)
    assert placed.status == 200, placed
    # then each order carries its part, and the checkout took one use of the coupon and of the customer
    with context.use(user=user.id):
        orders = {o.tenant_id: o for o in Order.across_tenants().where(Order.id.in_(placed.json["data"]["order_ids"]))}
    assert orders[first].coupon_discount == 100 and orders[second].coupon_discount == 200
    assert fresh(row).used_count == 1 and standing(row, user.id).used == 1
    # and the customer cannot use it again
    cart_with(api, token, (first, 1000))
    assert apply(api, token, row.code, [first]).json["error"] == "user_limit_reached"
    # when one order is cancelled, the use stays with the other; when both are, it comes back
    assert api.post("/api/orders/cancel", json={"order_id": orders[first].id}, token=token).status == 200
    assert fresh(row).used_count == 1
    assert api.post("/api/orders/cancel", json={"order_id": orders[second].id}, token=token).status == 200
    assert fresh(row).used_count == 0 and standing(row, user.id).used == 0
    with context.use(user=user.id):
        released = CouponUsage.across_tenants().where(CouponUsage.coupon == row.id)
        assert [r.released_at is not None for r in released] == [True, True]
    assert apply(api, token, row.code, [first]).status == 200


def _place_concurrently(api, attempts):
    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return sorted(r.status for r in pool.map(lambda a: place(api, *a), attempts))


def test_two_customers_never_both_take_the_last_use(api, shops):
    # given a coupon with one use left and two customers with a cart each
    first, _ = shops
    row = coupon(first, usage_limit=1)
    attempts = []
    for _ in range(2):
        _, token, address_id = buyer_with_address()
        cart_with(api, token, (first, 2000))
        attempts.append((token, address_id, [first], "cash", row.code))
    # when both place at once, then one order has the coupon and the other is refused
    assert _place_concurrently(api, attempts) == [200, 422]
    assert fresh(row).used_count == 1


def test_one_customer_never_uses_a_coupon_past_their_limit(api, shops):
    # given a platform coupon once per customer and one customer placing two shops separately at once
    first, second = shops
    row = coupon(None, limit_per_user=1)
    user, token, address_id = buyer_with_address()
    cart_with(api, token, (first, 2000), (second, 2000))
    attempts = [(token, address_id, [shop], "cash", row.code) for shop in (first, second)]
    # then only one of the checkouts gets it
    assert _place_concurrently(api, attempts) == [200, 422]
    assert fresh(row).used_count == 1 and standing(row, user.id).used == 1


def _coupon_body(**fields):
    return {"code": f"M{secrets.token_hex(3)}", "discount_type": "Percentage", "discount": 15,
            "min_order_amount": 20, "max_discount_amount": 5, "starts_at": "2020-01-01T00:00:00Z",
            "ends_at": "2099-01-01T00:00:00Z", "usage_limit": 100, "limit_for_user": 2, **fields}


def test_sellers_manage_their_shop_coupons_only(api, make_shop, customer_token):
    # given two sellers
    (shop, token, _), (_, other_token, _) = make_shop(), make_shop()
    # when the first adds a coupon
    created = api.post("/api/seller/coupons", json=_coupon_body(), token=token)
    assert created.status == 201, created
    row = created.json["data"]["coupon"]
    assert row["shop_id"] == shop["id"] and row["max_discount_amount"] == 5.0 and row["usage_limit"] == 100
    # then it lists, changes and removes it; the other seller sees none and gets 404 on its id
    assert [c["id"] for c in api.get("/api/seller/coupons", token=token).json["data"]["coupons"]] == [row["id"]]
    assert api.get("/api/seller/coupons", token=other_token).json["data"]["coupons"] == []
    path = f"/api/seller/coupons/{row['id']}"
    assert api.put(path, json={"is_active": False}, token=other_token).status == 404
    assert api.delete(path, token=other_token).status == 404
    changed = api.put(path, json={"discount": 20, "usage_limit": 0}, token=token)
    assert changed.status == 200 and changed.json["data"]["coupon"]["discount"] == 20.0
    assert changed.json["data"]["coupon"]["usage_limit"] is None
    # and bad coupons answer 422 on the field at fault
    assert api.put(path, json={"discount": 150}, token=token).json["errors"] == {
        "discount": ["A percentage cannot be above 100."]}
    late = api.put(path, json={"ends_at": "2019-01-01T00:00:00Z"}, token=token)
    assert late.status == 422 and "ends_at" in late.json["errors"]
    twice = api.post("/api/seller/coupons", json=_coupon_body(code=row["code"]), token=token)
    assert twice.status == 422 and "code" in twice.json["errors"]
    # while the other shop may use the same code
    assert api.post("/api/seller/coupons", json=_coupon_body(code=row["code"]), token=other_token).status == 201
    assert api.delete(path, token=token).status == 200 and api.delete(path, token=token).status == 404
    # and customers cannot manage coupons at all
    assert api.get("/api/seller/coupons", token=customer_token).status == 403
    assert api.post("/api/admin/coupons", json=_coupon_body(), token=customer_token).status == 403


def test_administrators_manage_platform_coupons(api, root_token, seller_token):
    created = api.post("/api/admin/coupons", json=_coupon_body(discount_type="Amount", discount=3), token=root_token)
    assert created.status == 201, created
    row = created.json["data"]["coupon"]
    assert row["shop_id"] == 0 and row["voucher_type"] == "platform"
    assert row["id"] in [c["id"] for c in api.get("/api/admin/coupons", token=root_token).json["data"]["coupons"]]
    # a seller cannot touch platform coupons, and a platform coupon is no shop's
    assert api.put(f"/api/admin/coupons/{row['id']}", json={"is_active": False}, token=seller_token).status == 403
    assert api.put(f"/api/seller/coupons/{row['id']}", json={"is_active": False}, token=seller_token).status == 404
    assert api.put(f"/api/admin/coupons/{row['id']}", json={"is_active": False}, token=root_token).status == 200
    assert api.delete(f"/api/admin/coupons/{row['id']}", token=root_token).status == 200


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only")
def test_row_level_security_of_coupons_and_uses(api, shops):
    # given an inactive coupon of the first shop and a use of an active one by a customer
    first, second = shops
    hidden = coupon(first, is_active=False)
    row = coupon(first)
    user, token, address_id = buyer_with_address()
    other, _ = cf.customer()
    cart_with(api, token, (first, 2000))
    assert place(api, token, address_id, [first], coupon_code=row.code).status == 200

    def sees(model, **scope):
        with context.use(**scope):
            query = model.select() if model is Coupon else model.across_tenants()
            return {r.id for r in query}

    # then the inactive coupon is its shop's alone, the active one everyone's
    assert hidden.id in sees(Coupon, tenant=first) and hidden.id not in sees(Coupon, tenant=second)
    assert row.id in sees(Coupon, tenant=second) and row.id in sees(Coupon, user=other.id)
    # and the use is its customer's and its shop's, no one else's
    with context.use(user=user.id):
        (use,) = CouponUsage.across_tenants().where(CouponUsage.coupon == row.id)
    assert use.id in sees(CouponUsage, tenant=first) and use.id in sees(CouponUsage, user=user.id)
    assert use.id not in sees(CouponUsage, tenant=second) and use.id not in sees(CouponUsage, user=other.id)
