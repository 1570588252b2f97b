"""The invoice of an order as a PDF (fpdf2), kept in private storage and reached by a signed URL."""

import secrets

from fpdf import FPDF

from kernel import storage
from plugins.catalog import money
from plugins.orders.orders.models import Order, OrderItem

# The app downloads the invoice with no credentials, so its link is signed and expires.
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


def store(order: Order, data: bytes) -> str:
    """Put the PDF in private storage under an unguessable key; returns the key."""
    key = f"invoices/{order.tenant_id}/{order.id}-{secrets.token_hex(8)}.pdf"
    storage.backend().put(key, data, content_type="application/pdf", private=True)
    return key


def url(order: Order) -> str | None:
    """A signed, expiring link to the order's invoice, or None while it is being made."""
    if not order.invoice_key:
        return None
    return storage.backend().signed_url(order.invoice_key, expires_in=URL_LIFETIME)
