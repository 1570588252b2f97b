"""Stock of products and flash-sale slots: taken when an order is placed, given back when it is cancelled.

The catalog owns these columns, so other plugins change them only through
:func:`take` and :func:`release`, inside their own transaction. Every change
is one conditional UPDATE (``quantity >= n``), which PostgreSQL runs under the
row's lock and SQLite inside its single writer, so stock never goes negative
and two concurrent checkouts can never both get the last unit. Lines are
applied in product-id order, so transactions that touch the same products
lock them in the same order and cannot deadlock (Saleor's rule).
"""

from contextlib import nullcontext
from dataclasses import dataclass
from itertools import groupby

from kernel import context, db
from kernel.statements import Slot, Statement
from plugins.catalog.models import FlashSaleProduct, Product


@dataclass(frozen=True)
class StockLine:
    """Units of one product of one shop, taken at a flash sale's price when ``flash_sale_id`` is set."""

    shop_id: int
    product_id: int
    quantity: int
    flash_sale_id: int | None = None


class OutOfStock(Exception):
    """Fewer units are left than a line asks for (of the product, or of its flash-sale slot)."""

    def __init__(self, product_id: int, flash_sale: bool = False):
        super().__init__(product_id)
        self.product_id = product_id
        self.flash_sale = flash_sale


def _ordered(lines) -> list[StockLine]:
    return sorted(lines, key=lambda line: (line.product_id, line.flash_sale_id or 0))


def take(lines) -> None:
    """Take every line's units, or none of them (raises ``OutOfStock`` on the first that cannot be met).

    Runs in a savepoint of the caller's transaction, so a refusal leaves
    nothing taken even when the caller goes on. A single plain line is one
    UPDATE that either takes or changes nothing, so it needs no savepoint;
    consecutive lines of one shop share one switch to that shop. (Both save
    round trips while the checkout holds the product's row lock.)
    """
    ordered = _ordered(lines)
    writes = sum(2 if line.flash_sale_id is not None else 1 for line in ordered)
    with db.transaction() if writes > 1 else nullcontext():
        for shop_id, shop_lines in groupby(ordered, key=lambda line: line.shop_id):
            with context.use(tenant=shop_id):
                for line in shop_lines:
                    _take_line(line)


_take_product = Statement(
    lambda: Product.update(quantity=Product.quantity - Slot("n"), sold_count=Product.sold_count + Slot("n"))
    .where(Product.id == Slot("product"), Product.quantity >= Slot("n"))
)
_take_flash_sale = Statement(
    lambda: FlashSaleProduct.update(sold=FlashSaleProduct.sold + Slot("n"))
    .where(FlashSaleProduct.flash_sale == Slot("sale"), FlashSaleProduct.product == Slot("product"),
           FlashSaleProduct.sold + Slot("n") <= FlashSaleProduct.quantity)
)


def _take_line(line: StockLine) -> None:
    if not _take_product.execute(product=line.product_id, n=line.quantity):
        raise OutOfStock(line.product_id)
    if line.flash_sale_id is not None:
        sold = _take_flash_sale.execute(sale=line.flash_sale_id, product=line.product_id, n=line.quantity)
        if not sold:
            raise OutOfStock(line.product_id, flash_sale=True)


def release(lines) -> None:
    """Give every line's units back (a cancelled or expired order); counters never go below zero."""
    with db.transaction():
        for line in _ordered(lines):
            with context.use(tenant=line.shop_id):
                Product.update(quantity=Product.quantity + line.quantity).where(
                    Product.id == line.product_id).execute()
                Product.update(sold_count=Product.sold_count - line.quantity).where(
                    Product.id == line.product_id, Product.sold_count >= line.quantity).execute()
                if line.flash_sale_id is not None:
                    FlashSaleProduct.update(sold=FlashSaleProduct.sold - line.quantity).where(
                        FlashSaleProduct.flash_sale == line.flash_sale_id,
                        FlashSaleProduct.product == line.product_id,
                        FlashSaleProduct.sold >= line.quantity,
                    ).execute()
