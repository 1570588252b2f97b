"""Serialising one customer's changes to their addresses and cart."""

from kernel import db
from kernel.models import User
from kernel.statements import Slot, Statement

_lock = Statement(
    lambda: User.select(User.id).where(User.id == Slot("user")).limit(1).for_update("FOR NO KEY UPDATE").tuples()
)


def lock_customer(user_id: int) -> None:
    """Lock the customer's account row until the transaction ends (PostgreSQL).

    Two requests of one customer (a double tap, two devices) then change the
    cart or the default address one after the other, so a merge never creates
    a second line and a default never ends up on two addresses. ``NO KEY``
    leaves rows that merely reference the account (tokens, reviews) free to be
    written meanwhile. SQLite's writing transactions are serialised already.
    """
    if db.is_postgres():
        _lock.rows(user=user_id)
