"""Helpers for the orders tests: shops, a customer with an address and a filled cart, placing through the app."""

import secrets

import catalog_fixtures as cf
from conftest import BASE_DOMAIN
from kernel import context, db, invalidation
from plugins.orders.addresses import services as addresses
from plugins.payments.gateways import Gateway, PaymentStart, RefundResult
from plugins.payments.models import PaymentGateway
from kernel.hookspecs import hookimpl

ORDER_ADDRESS = {
    "id": "int!", "name": "String!", "phone": "String!", "area": "String!", "flat_no": "String!",
    "address_type": "String!", "address_line": "String!", "address_line2": "String!", "post_code": "String!",
    "is_default": "bool!",
}


def buyer_with_address():
    """A customer, a token and a default address id: ``(user, token, address_id)``."""
    user, token = cf.customer()
    with context.use(user=user.id), db.transaction():
        address = addresses.create(user.id, {
            "name": "Ada", "phone": "01700000000", "area": "Gulshan", "flat_no": "4B", "post_code": "1212",
            "address_line": "Road 1", "address_line2": "", "address_type": "Home", "latitude": None,
            "longitude": None, "is_default": True,
        })
    return user, token, address["id"]


def add(api, token, product_id, quantity=1, size=None, color=None, host=BASE_DOMAIN):
    body = {"product_id": product_id, "quantity": quantity, "size": size, "color": color, "unit": None,
            "is_buy_now": None}
    response = api.post("/api/cart/store", json=body, token=token, host=host)
    assert response.status == 200, response
    return response


def place(api, token, address_id, shop_ids, method="cash", coupon_code="", headers=None, path="/api/v1/place-order",
          host=BASE_DOMAIN):
    body = {"address_id": address_id, "coupon_code": coupon_code, "note": "", "payment_method": method,
            "shop_ids": shop_ids, "is_buy_now": None}
    return api.post(path, json=body, token=token, headers=headers, host=host)


class WebPay:
    """An online gateway plugin for tests: it sends the customer to a payment page and settles later."""

    NAME = "webpay"

    @hookimpl
    def payment_gateways(self, tenant):
        return Gateway(self.NAME, "Web Pay", True)

    @hookimpl
    def gateway_start_payment(self, gateway, payment):
        if gateway != self.NAME:
            return None
        return PaymentStart(redirect_url=f"https://pay.example/{payment.id}")

    @hookimpl
    def gateway_refund(self, gateway, payment, amount, reference):
        if gateway != self.NAME:
            return None
        return RefundResult(method="gateway", external_reference=f"re_{secrets.token_hex(4)}")


def install_webpay(platform):
    """Register the test gateway and its operator row; returns a function that removes both."""
    plugin = WebPay()
    platform.host.pm.register(plugin, name="webpay_probe")
    with db.transaction():
        PaymentGateway.get_or_create(name=WebPay.NAME, defaults={"title": "Web Pay", "sort_order": 50})
    invalidation.bump()

    def remove():
        platform.host.pm.unregister(name="webpay_probe")
        invalidation.bump()

    return remove
