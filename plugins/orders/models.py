"""Tables of the orders plugin: the customer's delivery addresses and cart lines.

Customers are platform-wide, so both belong to the customer, across shops.
An address names no shop: it is a platform-wide row that only its customer
sees. A cart line names a product of one shop, so it carries that shop's
``tenant_id``: the shop owns the line as it will own the order placed from
it, and PostgreSQL lets the customer see their lines in every shop.
"""

import peewee

from kernel.models import User
from kernel.orm import BaseModel, TenantModel, utcnow
from plugins.catalog.models import Color, Product, Size


class Address(BaseModel):
    """A customer's delivery address (``AddAddress`` in the app); at most one is the default."""

    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    name = peewee.CharField(max_length=120)
    phone = peewee.CharField(max_length=32)
    area = peewee.CharField(max_length=120, default="")
    flat_no = peewee.CharField(max_length=60, default="")
    post_code = peewee.CharField(max_length=20, default="")
    address_line = peewee.CharField(max_length=255)
    address_line2 = peewee.CharField(max_length=255, default="")
    address_type = peewee.CharField(max_length=16, default="Home")
    latitude = peewee.CharField(max_length=32, null=True)
    longitude = peewee.CharField(max_length=32, null=True)
    is_default = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "is_default"), False),)


class CartItem(TenantModel):
    """One line of a customer's cart: a product of the shop ``tenant_id``, in a size and colour.

    Size and colour are the catalog's reference rows, not the product's variant
    links, which the seller replaces on every edit; a line whose size or colour
    the product no longer offers is left out of the cart until it does again.
    """

    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    product = peewee.ForeignKeyField(Product, on_delete="CASCADE")
    size = peewee.ForeignKeyField(Size, null=True, on_delete="CASCADE")
    color = peewee.ForeignKeyField(Color, null=True, on_delete="CASCADE")
    quantity = peewee.IntegerField()
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "tenant_id"), False), (("product",), False))


MODELS = [Address, CartItem]
