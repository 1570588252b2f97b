"""Returns as the app and the seller read them (FLUTTER_CONTRACT.md section 3.15).

``order_id`` is the order's code, not its id, as the app shows it; money
leaves as JSON doubles; ``payment_status`` says whether the refund was made
(``Paid``) or not yet (``Unpaid``). Product names and prices are the ones the
order was sold with, so a product deleted since never breaks the parse (the
original sent ``''`` as its price).
"""

from kernel.models import Tenant, User
from plugins.catalog import money
from plugins.catalog.payloads import image_url
from plugins.catalog.storefront.shops import listed_shops, shop_cards
from plugins.orders.returns import services
from plugins.orders.returns.models import ReturnOrder

REFUNDED, NOT_REFUNDED = "Paid", "Unpaid"
DATE_FORMAT = "%Y-%m-%d"


def return_card(order_return: ReturnOrder) -> dict:
    """``ReturnOrder``: one row of a list of returns."""
    return {
        "id": order_return.id,
        "order_id": order_return.order.code,
        "reason": order_return.reason,
        "amount": money.to_float(order_return.amount),
        "quantity": order_return.quantity,
        "status": order_return.status,
        "payment_status": REFUNDED if order_return.refunded_at is not None else NOT_REFUNDED,
        "refund_method": order_return.refund_method,
        "reject_note": order_return.note,
        "return_date": order_return.created_at.strftime(DATE_FORMAT),
        "return_address": order_return.return_address,
    }


def _shop(shop_id: int) -> dict:
    """The shop's name, logo and rating, from its published profile or else its bare name."""
    cards = shop_cards(listed_shops({shop_id}))
    if cards:
        return {"shop_name": cards[0]["name"], "shop_logo": cards[0]["logo"], "shop_rating": cards[0]["rating"]}
    tenant = Tenant.get_or_none(Tenant.id == shop_id)
    return {"shop_name": tenant.name if tenant else "", "shop_logo": image_url(None), "shop_rating": 0.0}


def _product(line, sold) -> dict:
    return {
        "product_id": line.product_id,
        "product_name": sold.name,
        "product_price": money.to_float(sold.unit_list_price),
        "price": money.to_float(line.unit_price),
        "quantity": line.quantity,
        "thumbnail": image_url(sold.thumbnail),
        "color": sold.color,
        "size": sold.size,
        "unit": sold.unit,
    }


def return_details(order_return: ReturnOrder) -> dict:
    """``ReturnOrders``: the return with its shop, customer, bank details and lines."""
    customer = User.get_or_none(User.id == order_return.user_id)
    return {
        **return_card(order_return),
        "order": {"id": order_return.order_id, "code": order_return.order.code},
        **_shop(order_return.tenant_id),
        "customer_name": customer.name if customer else "",
        "customer_phone": customer.phone if customer else None,
        "customer_email": customer.email if customer else None,
        "bank_name": order_return.bank_name,
        "bank_account_number": order_return.bank_account_number,
        "return_order_products": [_product(line, sold) for line, sold in services.lines_of(order_return)],
    }
