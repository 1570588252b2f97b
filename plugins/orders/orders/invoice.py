"""An order's documents as PDFs (fpdf2): its invoice, and once it is paid its payment receipt (the
app's "payment slip"). Each is made once, kept in private storage, and reached by a signed URL.
"""

import secrets

from fpdf import FPDF

from kernel import context, db, storage
from kernel.models import Tenant
from plugins.catalog import money
from plugins.orders.orders import services
from plugins.orders.orders.models import PAYMENT_PAID, Order, OrderItem
from plugins.payments.models import PaymentGateway

# The app downloads both documents with no credentials, so their links are signed and expire.
URL_LIFETIME = 3600


def _text(value) -> str:
    """fpdf2's core fonts are Latin-1: anything else is shown as '?' rather than failing the document."""
    return str(value).encode("latin-1", "replace").decode("latin-1")


def render(order: Order, items: list[OrderItem], shop_name: str) -> bytes:
    """The invoice: shop, order code and date, delivery address, one row per line, and the totals."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _text(f"Invoice {order.code}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    address = order.address or {}
    for line in (
        shop_name, f"Placed {order.created_at:%Y-%m-%d %H:%M} UTC", "",
        f"Deliver to: {address.get('name', '')}, {address.get('phone', '')}",
        f"{address.get('address_line', '')} {address.get('address_line2', '') or ''}".strip(), "",
    ):
        pdf.cell(0, 6, _text(line), new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(90, 20, 40, 40), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row(("Product", "Qty", "Unit price", "Amount"))
        for item in items:
            variant = ", ".join(v for v in (item.size, item.color) if v)
            name = f"{item.name} ({variant})" if variant else item.name
            table.row((_text(name), str(item.quantity), f"{money.to_float(item.unit_price):.2f}",
                       f"{money.to_float(item.unit_price * item.quantity):.2f}"))
    pdf.ln(4)
    for label, amount in (
        ("Subtotal", order.subtotal), ("Discount", -order.discount), ("Coupon", -order.coupon_discount),
        ("Delivery", order.delivery_charge), ("VAT", order.tax_amount), ("Total", order.payable),
    ):
        pdf.cell(150, 6, label, align="R")
        pdf.cell(40, 6, f"{money.to_float(amount):.2f}", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_receipt(order: Order, shop_name: str) -> bytes:
    """The payment receipt: who received how much from whom, when, how, and the payment's reference."""
    payment = services.payment_of(order)
    gateway = PaymentGateway.get_or_none(PaymentGateway.name == order.payment_method)
    method = gateway.title if gateway else order.payment_method
    # Cash changes hands on delivery; an online payment when the gateway settled it.
    received = order.delivered_at if order.payment_method == services.CASH else payment and payment.paid_at
    reference = (payment.external_reference or f"payment {payment.id}") if payment else "-"
    currency = payment.currency.upper() if payment else ""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _text(f"Payment receipt {order.code}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in (
        shop_name, f"Received {(received or order.updated_at):%Y-%m-%d %H:%M} UTC",
        f"From: {(order.address or {}).get('name', '')}", f"Method: {method}", f"Reference: {reference}",
        f"Amount: {money.to_float(order.payable):.2f} {currency}".strip(),
    ):
        pdf.cell(0, 6, _text(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def store(order: Order, data: bytes, folder: str = "invoices") -> str:
    """Put a PDF in private storage under an unguessable key; returns the key."""
    key = f"{folder}/{order.tenant_id}/{order.id}-{secrets.token_hex(8)}.pdf"
    storage.backend().put(key, data, content_type="application/pdf", private=True)
    return key


def _made_once(order: Order, column, folder: str, make) -> str:
    """The key in ``column`` of the order, rendering (``make(shop name)``) and storing the document first if none.

    Safe to run twice at once (the placing task and an impatient customer): each
    stores its own file, one conditional UPDATE picks the key that stays, and
    the loser removes its file, so the order keeps exactly one of each document.
    """
    key = getattr(order, column.name)
    if key:
        return key
    shop = Tenant.get_or_none(Tenant.id == order.tenant_id)
    key = store(order, make(shop.name if shop else ""), folder)
    with context.use(tenant=order.tenant_id):
        with db.transaction():
            kept = Order.update({column: key}).where(Order.id == order.id, column.is_null()).execute()
        if not kept:
            storage.backend().delete(key, private=True)
        return Order.select(column).where(Order.id == order.id).scalar()


def ensure(order: Order) -> str:
    """The storage key of the order's invoice, rendering and storing it first if it is not made yet."""
    return _made_once(order, Order.invoice_key, "invoices",
                      lambda shop_name: render(order, services.items_of(order), shop_name))


def ensure_receipt(order: Order) -> str:
    """The storage key of the order's payment receipt, rendering and storing it first if it is not made yet."""
    return _made_once(order, Order.receipt_key, "receipts", lambda shop_name: render_receipt(order, shop_name))


def receipt_url(order: Order) -> str | None:
    """A signed, expiring link to the paid order's payment receipt; None until it is paid and the receipt made.

    The receipt is made by a task queued when the payment lands
    (``tasks.make_receipt``), so reading an order never renders a PDF.
    """
    if order.payment_status != PAYMENT_PAID or not order.receipt_key:
        return None
    return storage.backend().signed_url(order.receipt_key, expires_in=URL_LIFETIME)


def url(order: Order) -> str | None:
    """A signed, expiring link to the order's invoice, or None while it is being made."""
    if not order.invoice_key:
        return None
    return storage.backend().signed_url(order.invoice_key, expires_in=URL_LIFETIME)


def url_now(order: Order) -> str:
    """A signed, expiring link to the order's invoice, made now if the placing task has not made it yet."""
    return storage.backend().signed_url(ensure(order), expires_in=URL_LIFETIME)
