"""Thin Falcon resources of customer wallets: the customer's own wallet and the operator's top-up."""

import uuid

from kernel import db, permissions
from kernel.http import APIError, PageQuery, Route, ok, op, paginate
from kernel.models import User
from plugins.payments import ledger
from plugins.payments import services as payments
from plugins.payments.resources import entry_payload
from plugins.payments_wallet import schemas, services

TAGS = ("wallet",)


def _balance_payload(user_id: int) -> dict:
    minor = services.balance(user_id)
    return {"balance": float(payments.to_decimal(minor)), "balance_text": payments.format_money(minor),
            "currency": ledger.currency()}


class Wallet:
    @op(roles=("customer",), query=PageQuery, response=schemas.WalletData, tags=TAGS,
        summary="The customer's wallet balance and its entries, newest first (10 per page unless asked)")
    def on_get(self, req, resp):
        user_id = req.context.user.id
        page = paginate(services.history(user_id), req.context.query, "transactions", entry_payload,
                        default_per_page=10)
        ok(resp, {**_balance_payload(user_id), **page})


class AdminWalletCredit:
    @op(permission="wallets.credit", body=schemas.WalletCreditIn, response=schemas.WalletCreditData, tags=TAGS,
        errors=(404,), summary="Top up a customer's wallet (once per reference)")
    def on_post(self, req, resp, user_id):
        if User.get_or_none(User.id == user_id) is None or "customer" not in permissions.roles_of(user_id):
            raise APIError(404, "Customer not found.")
        body = req.context.body
        reference = f"admin:{body.get('reference') or uuid.uuid4().hex}"
        with db.transaction():
            credited = services.top_up(user_id, payments.to_minor(body["amount"]), reference, body["note"])
        message = "Wallet credited." if credited else "This top-up was already made."
        ok(resp, {"user_id": user_id, "credited": credited, **_balance_payload(user_id)}, message)


def routes() -> list[Route]:
    return [
        Route("/api/wallet", Wallet()),
        Route("/api/admin/wallets/{user_id:int}/credit", AdminWalletCredit()),
    ]
