"""The append-only ledger: post a movement once, keep wallet balances, read sums.

Every public function runs inside the caller's transaction (it opens a
savepoint of its own), so a movement commits or rolls back together with the
state change it belongs to: an order's delivery, a payment, a refund.
"""

from dataclasses import dataclass

import peewee

from kernel import db
from kernel.orm import utcnow
from plugins.payments.models import (
    CREDIT, CUSTOMER_WALLET, DEBIT, SHOP_WALLET, LedgerEntry, WalletBalance,
)
from plugins.platform import services as platform

# Wallets with a balance row. The platform's account is only ever summed by the
# operator, and one row shared by every shop would serialise all deliveries.
WALLETS = (SHOP_WALLET, CUSTOMER_WALLET)


class InsufficientFunds(Exception):
    """A debit larger than the wallet's balance (customer wallets never go negative)."""


@dataclass(frozen=True)
class Movement:
    """One entry to post: ``amount`` in minor units, always positive; ``direction`` credit or debit."""

    account: str
    owner_id: int
    direction: str
    amount: int
    reason: str
    reference: str
    tenant_id: int | None = None
    payment_id: int | None = None
    note: str = ""


def currency() -> str:
    """The currency every amount is kept in: the platform's default."""
    return platform.default_currency()["code"]


def post(*movements: Movement) -> bool:
    """Post movements as one unit; return False (posting nothing) when the first was already posted.

    The first movement's unique key (account, owner, reason, reference) is the
    unit's idempotency key: callers put the movement that identifies the
    operation first. A debit that would take a customer wallet below zero
    raises ``InsufficientFunds`` and nothing is posted.
    """
    if any(movement.amount <= 0 for movement in movements):
        raise ValueError("ledger amounts are positive; the direction says which way the money moves")
    with db.transaction():
        try:
            with db.transaction():
                _append(movements[0])
        except peewee.IntegrityError:
            return False
        _move_balance(movements[0])
        for movement in movements[1:]:
            _append(movement)
            _move_balance(movement)
    return True


def _append(movement: Movement) -> None:
    LedgerEntry.insert(
        account=movement.account, owner_id=movement.owner_id, direction=movement.direction,
        amount=movement.amount, currency=currency(), reason=movement.reason, reference=movement.reference,
        tenant_id=movement.tenant_id, payment=movement.payment_id, note=movement.note, created_at=utcnow(),
    ).execute()


def _move_balance(movement: Movement) -> None:
    """Move the wallet's balance row; a customer debit is one conditional UPDATE that fails when short."""
    if movement.account not in WALLETS:
        return
    key = (WalletBalance.account == movement.account) & (WalletBalance.owner_id == movement.owner_id)
    WalletBalance.insert(account=movement.account, owner_id=movement.owner_id, balance=0).on_conflict_ignore().execute()
    if movement.direction == CREDIT:
        change = WalletBalance.balance + movement.amount
    else:
        change = WalletBalance.balance - movement.amount
    query = WalletBalance.update(balance=change, updated_at=utcnow()).where(key)
    if movement.account == CUSTOMER_WALLET and movement.direction == DEBIT:
        query = query.where(WalletBalance.balance >= movement.amount)
    if query.execute() == 0:
        raise InsufficientFunds(movement.owner_id)


def balance(account: str, owner_id: int) -> int:
    """A wallet's balance in minor units (0 for a wallet that never moved)."""
    value = (
        WalletBalance.select(WalletBalance.balance)
        .where((WalletBalance.account == account) & (WalletBalance.owner_id == owner_id))
        .scalar()
    )
    return value or 0


def entries(account: str, owner_id: int):
    """A wallet's entries, newest first (a query, for the pagination helper)."""
    return (
        LedgerEntry.select()
        .where((LedgerEntry.account == account) & (LedgerEntry.owner_id == owner_id))
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
    )


def sums(account: str, owner_id: int, since=None, until=None) -> dict[str, int]:
    """Net amount per reason (credits minus debits) of one account, optionally within ``[since, until)``."""
    signed = peewee.Case(LedgerEntry.direction, ((CREDIT, LedgerEntry.amount),), LedgerEntry.amount * -1)
    query = (
        LedgerEntry.select(LedgerEntry.reason, peewee.fn.SUM(signed).alias("total"))
        .where((LedgerEntry.account == account) & (LedgerEntry.owner_id == owner_id))
        .group_by(LedgerEntry.reason)
    )
    if since is not None:
        query = query.where(LedgerEntry.created_at >= since)
    if until is not None:
        query = query.where(LedgerEntry.created_at < until)
    return {row.reason: int(row.total or 0) for row in query}


def entry_of(account: str, owner_id: int, reason: str, reference: str) -> LedgerEntry | None:
    """The one entry of a movement, or None when it was never posted."""
    return LedgerEntry.get_or_none(
        (LedgerEntry.account == account) & (LedgerEntry.owner_id == owner_id)
        & (LedgerEntry.reason == reason) & (LedgerEntry.reference == reference)
    )
