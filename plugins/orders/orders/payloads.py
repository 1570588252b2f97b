"""Orders as the app and the seller read them (FLUTTER_CONTRACT.md sections 3.10 and 12.1).

Money leaves as JSON doubles (``money.to_float``), dates as ISO-8601 in UTC,
images as absolute URLs; every key the app types as non-null is present.
"""

from kernel.models import User
from plugins.catalog import money
from plugins.catalog.models import Review
from plugins.catalog.payloads import image_url
from plugins.catalog.storefront.shops import listed_shops, shop_cards
from plugins.orders.orders import invoice, services
from plugins.orders.orders.models import PAYMENT_PAID, Order
from plugins.orders.returns import services as return_services
from plugins.payments.models import PaymentGateway

CASH_LABEL, ONLINE_LABEL = "Cash Payment", "Online Payment"


def iso(value) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def payment_label(order: Order, titles: dict[str, str]) -> str:
    """``Cash Payment``; ``Online Payment`` while an online order is unpaid (the app's "Pay Now"); else the gateway."""
    if order.payment_method == services.CASH:
        return CASH_LABEL
    if order.payment_status != PAYMENT_PAID:
        return ONLINE_LABEL
    return titles.get(order.payment_method, order.payment_method)


def gateway_titles() -> dict[str, str]:
    return {row.name: row.title for row in PaymentGateway.select(PaymentGateway.name, PaymentGateway.title)}


def order_address(order: Order) -> dict:
    """The address the order was placed to, as it was (``AddAddress``; every string key present)."""
    address = dict(order.address or {})
    for key in ("area", "flat_no", "post_code", "address_line2"):
        address[key] = address.get(key) or ""
    address["is_default"] = bool(address.get("is_default"))
    return address


def order_card(order: Order, titles: dict[str, str]) -> dict:
    """``OrderModel``: one row of the customer's order list."""
    return {
        "id": order.id,
        "order_code": order.code,
        "shop_id": order.tenant_id,
        "quantity": order.quantity,
        "amount": money.to_float(order.payable),
        "order_status": order.order_status,
        "payment_status": order.payment_status,
        "payment_method": payment_label(order, titles),
        "created_at": iso(order.created_at),
        "address": order_address(order),
    }


def _shop(shop_id: int) -> dict:
    cards = shop_cards(listed_shops({shop_id}))
    if cards:
        return cards[0]
    return {"id": shop_id, "name": "", "logo": image_url(None), "banner": image_url(None), "total_products": 0,
            "total_categories": 0, "rating": 0.0, "shop_status": "Offline", "total_reviews": "0"}


def _line(item, ratings: dict[int, int], returnable: bool) -> dict:
    return {
        "id": item.product_id,
        "name": item.name,
        "brand": item.brand,
        "thumbnail": image_url(item.thumbnail),
        "price": money.to_float(item.unit_list_price),
        "discount_price": money.to_float(item.unit_price if item.unit_price < item.unit_list_price else 0),
        "order_qty": item.quantity,
        "color": item.color,
        "size": item.size,
        "unit": item.unit,
        "is_digital": bool(item.is_digital),
        "rating": float(ratings[item.product_id]) if item.product_id in ratings else None,
        "is_returned": returnable,
    }


def history(order: Order) -> list[dict]:
    return [
        {"from": e.from_status, "to": e.to_status, "actor": e.actor, "note": e.note, "at": iso(e.created_at)}
        for e in services.history_of(order)
    ]


def order_details(order: Order) -> dict:
    """``OrderDetails``: the order with its shop, lines, address, invoice link and return window."""
    items = services.items_of(order)
    # A customer reviews a product once (the catalog's rule), so every line of it shows that review.
    ratings = {
        r.product_id: r.rating
        for r in Review.across_tenants(Review.product, Review.rating)
        .where(Review.user == order.user_id, Review.product.in_([item.product_id for item in items]))
    }
    window_open = services.is_returnable(order)
    returned = return_services.returned_item_ids(order) if window_open else set()
    # The "Return" action is offered while some line can still be returned.
    returnable = window_open and any(item.id not in returned for item in items)
    return {
        "id": order.id,
        "order_code": order.code,
        "order_status": order.order_status,
        "created_at": iso(order.created_at),
        "tax_amount": money.to_float(order.tax_amount),
        "payment_method": payment_label(order, gateway_titles()),
        "payment_status": order.payment_status,
        "total_amount": money.to_float(order.subtotal),
        "discount": money.to_float(order.discount),
        "coupon_discount": money.to_float(order.coupon_discount),
        "payable_amount": money.to_float(order.payable),
        "delivery_charge": money.to_float(order.delivery_charge),
        "quantity": order.quantity,
        "shop": _shop(order.tenant_id),
        "products": [_line(item, ratings, window_open and item.id not in returned) for item in items],
        "invoice_url": invoice.url(order),
        "payment_receipt_url": invoice.receipt_url(order),
        "address": order_address(order),
        "note": order.note,
        "all_vat_taxes": [
            {"name": t["name"], "percentage": float(t["percentage"]), "amount": money.to_float(t["amount"])}
            for t in order.taxes or []
        ],
        "is_returnable": returnable,
        "last_return_date": services.last_return_date(order).strftime("%Y-%m-%d"),
        "return_order_within_days": services.return_days(),
        "history": history(order),
    }


def _customer(user: User | None, order: Order) -> dict:
    address = order_address(order)
    line = ", ".join(part for part in (address.get("address_line"), address.get("area")) if part)
    return {
        "name": user.name if user else address.get("name", ""),
        "phone": (user.phone if user else None) or address.get("phone", ""),
        "profile_photo": image_url(user.avatar if user else None),
        "address": line,
    }


def seller_order(order: Order, user: User | None, with_lines: bool = True) -> dict:
    """``SellerOrderResource``: the order as its shop handles it."""
    items = services.items_of(order) if with_lines else []
    return {
        "id": order.id,
        "order_code": order.code,
        "amount": money.to_float(order.payable),
        "order_status": order.order_status,
        "payment_status": order.payment_status,
        "payment_method": "Cash" if order.payment_method == services.CASH else "Online",
        "fulfilment": order.fulfilment,
        "order_placed": iso(order.created_at),
        "delivery_date": iso(order.delivered_at),
        "delivery_charge": money.to_float(order.delivery_charge),
        "quantity": order.quantity,
        "user": _customer(user, order),
        "products": [
            {"id": item.product_id, "name": item.name, "thumbnail": image_url(item.thumbnail),
             "price": money.to_float(item.unit_price), "quantity": item.quantity, "size": item.size,
             "color": item.color}
            for item in items
        ],
        "rider": None,
        "invoice_url": invoice.url(order),
        "history": history(order) if with_lines else [],
    }
