"""The seller's orders: listing with the original app's filters, details, status moves by the table,
delivery crediting the shop's wallet, and another shop's order answering 404."""

import catalog_fixtures as cf
from kernel import context
from orders_fixtures import add, buyer_with_address, place
from plugins.orders.orders.models import Order
from plugins.payments import ledger
from plugins.payments.models import SHOP_WALLET


def shop_with_order(api, root_token, make_shop):
    """A shop (with its seller's token) and a pending cash order of 2 x 10.00 with 3.00 delivery."""
    shop, seller_token, _ = make_shop("starter")
    cf.shop_profile(shop["id"], delivery_charge=300)
    product = cf.product(shop["id"], category=cf.category(), price=1000, quantity=10)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id, quantity=2)
    assert place(api, token, address_id, [shop["id"]]).status == 200
    with context.use(user=user.id):
        order = Order.across_tenants().where(Order.user == user.id).get()
    return shop["id"], seller_token, order


def test_seller_lists_its_orders_with_status_tabs(api, root_token, make_shop):
    shop_id, seller, order = shop_with_order(api, root_token, make_shop)
    response = api.get("/api/seller/orders", token=seller)
    assert response.status == 200, response
    data = response.json["data"]
    assert data["total_items"] == 1 and data["per_page"] == 15 and data["orders"][0]["id"] == order.id
    assert {tab["value"]: tab["status"] for tab in data["status_orders"]}["pending"] == 1
    assert data["orders"][0]["payment_method"] == "Cash" and data["orders"][0]["amount"] == 23.0
    search = api.get("/api/seller/orders", token=seller, params={"search": order.code, "order_status": "pending"})
    assert search.json["data"]["total"] == 1
    assert api.get("/api/seller/orders", token=seller, params={"order_status": "delivered"}).json["data"]["total"] == 0
    assert api.get("/api/seller/orders", token=seller, params={"filter_type": "today"}).json["data"]["total"] == 1


def test_seller_moves_an_order_to_delivery_and_the_wallet_is_credited(api, root_token, make_shop):
    # given a pending cash order of the seller's shop
    shop_id, seller, order = shop_with_order(api, root_token, make_shop)
    # when the seller moves it on through both route sets
    answers = [
        api.post("/api/seller/orders/status-update", json={"order_id": order.id, "order_status": "Confirm"},
                 token=seller),
        api.post(f"/api/seller/orders/{order.id}/status", json={"order_status": "processing"}, token=seller),
        api.post(f"/api/seller/orders/{order.id}/status", json={"order_status": "On The Way"}, token=seller),
        api.post(f"/api/seller/orders/{order.id}/status", json={"order_status": "Delivered"}, token=seller),
    ]
    # then each move is taken and the order is delivered and paid (cash collected)
    assert [a.status for a in answers] == [200] * 4, answers
    final = answers[-1].json["data"]["order"]
    assert final["order_status"] == "Delivered" and final["payment_status"] == "Paid"
    assert [h["to"] for h in final["history"]] == ["Pending", "Confirm", "Processing", "On The Way", "Delivered"]
    # and the shop's wallet got the sale less the commission
    with context.use(tenant=shop_id):
        assert ledger.entry_of(SHOP_WALLET, shop_id, "sale", f"order:{order.id}").amount == 2300
    # and a delivered order moves no more
    back = api.post(f"/api/seller/orders/{order.id}/status", json={"order_status": "Cancelled"}, token=seller)
    assert back.status == 422 and "order_status" in back.json["errors"]


def test_transitions_the_table_forbids_answer_422(api, root_token, make_shop):
    shop_id, seller, order = shop_with_order(api, root_token, make_shop)
    for wanted in ("Delivered", "On The Way", "Pending", "nonsense"):
        response = api.post(f"/api/seller/orders/{order.id}/status", json={"order_status": wanted}, token=seller)
        assert response.status == 422, (wanted, response)
    cancelled = api.post("/api/seller/orders/status-update", json={"order_id": order.id, "order_status": "cancel"},
                         token=seller)
    assert cancelled.status == 200 and cancelled.json["data"]["order"]["order_status"] == "Cancelled"


def test_another_shops_order_answers_404(api, root_token, make_shop):
    _, _, order = shop_with_order(api, root_token, make_shop)
    _, other_seller, _ = make_shop("starter")
    answers = [
        api.get(f"/api/seller/orders/{order.id}", token=other_seller),
        api.get("/api/seller/orders/details", token=other_seller, params={"order_id": order.id}),
        api.post(f"/api/seller/orders/{order.id}/status", json={"order_status": "Confirm"}, token=other_seller),
        api.post("/api/seller/orders/status-update", json={"order_id": order.id, "order_status": "Confirm"},
                 token=other_seller),
    ]
    assert [a.status for a in answers] == [404] * 4
    assert api.get("/api/seller/orders", token=other_seller).json["data"]["total"] == 0


def test_customers_cannot_use_seller_routes(api, root_token, make_shop):
    _, _, order = shop_with_order(api, root_token, make_shop)
    _, token, _ = buyer_with_address()
    assert api.get("/api/seller/orders", token=token).status == 403
