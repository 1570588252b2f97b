"""The customer's delivery addresses, the same on every storefront.

An address is its customer's alone: every query names the customer, and on
PostgreSQL row-level security hides other customers' rows as well, so another
customer's address is "not found". At most one address is the default (a
unique index keeps it so); marking one as default unmarks the others in the
same transaction.
"""

from kernel import db
from kernel.http import paginate
from kernel.orm import utcnow
from plugins.orders.locking import lock_customer
from plugins.orders.models import Address


class NotFound(LookupError):
    """The address is not one of this customer's."""


def payload(address: Address) -> dict:
    """``AddAddress`` (FLUTTER_CONTRACT.md section 3.3): coordinates are strings or null."""
    return {
        "id": address.id,
        "name": address.name,
        "phone": address.phone,
        "area": address.area,
        "flat_no": address.flat_no,
        "post_code": address.post_code,
        "address_line": address.address_line,
        "address_line2": address.address_line2,
        "address_type": address.address_type,
        "latitude": address.latitude,
        "longitude": address.longitude,
        "is_default": bool(address.is_default),
    }


def list_addresses(user_id: int, params: dict) -> dict:
    """The customer's addresses, the default first, then the newest; paged only when asked."""
    query = Address.select().where(Address.user == user_id).order_by(Address.is_default.desc(), Address.id.desc())
    return paginate(query, params, "addresses", payload)


def _own(user_id: int, address_id: int) -> Address:
    address = Address.select().where(Address.id == address_id, Address.user == user_id).first()
    if address is None:
        raise NotFound("Address not found.")
    return address


def _unmark_others(user_id: int, keep: int | None) -> None:
    others = Address.is_default == True  # noqa: E712
    if keep is not None:
        others &= Address.id != keep
    Address.update(is_default=False, updated_at=utcnow()).where(Address.user == user_id, others).execute()


def create(user_id: int, fields: dict) -> dict:
    """Add an address; ``is_default`` makes it the only default."""
    with db.transaction():
        lock_customer(user_id)
        if fields["is_default"]:
            _unmark_others(user_id, None)
        address = Address.create(user=user_id, **fields)
    return payload(address)


def update(user_id: int, address_id: int, fields: dict) -> dict:
    """Replace every field of one of the customer's addresses (the app always sends them all)."""
    with db.transaction():
        lock_customer(user_id)
        _own(user_id, address_id)
        if fields["is_default"]:
            _unmark_others(user_id, address_id)
        Address.update(**fields, updated_at=utcnow()).where(Address.id == address_id).execute()
        return payload(_own(user_id, address_id))


def set_default(user_id: int, address_id: int) -> dict:
    with db.transaction():
        lock_customer(user_id)
        _own(user_id, address_id)
        _unmark_others(user_id, address_id)
        Address.update(is_default=True, updated_at=utcnow()).where(Address.id == address_id).execute()
        return payload(_own(user_id, address_id))


def delete(user_id: int, address_id: int) -> None:
    with db.transaction():
        if not Address.delete().where(Address.id == address_id, Address.user == user_id).execute():
            raise NotFound("Address not found.")
