"""Thin Falcon resources of the payments plugin: the seller's wallet and the operator's payment settings."""

from kernel import db
from kernel.http import APIError, PageQuery, Route, ok, op, paginate
from plugins.payments import ledger, schemas, services
from plugins.payments.models import SHOP_WALLET, LedgerEntry, PaymentGateway
from plugins.platform import services as platform

TAGS = ("payments",)
SELLER_TAGS = ("seller",)


def entry_payload(entry: LedgerEntry) -> dict:
    """One ledger entry as the wallet screens show it."""
    return {
        "id": entry.id, "amount": float(services.to_decimal(entry.amount)), "direction": entry.direction,
        "reason": entry.reason, "reference": entry.reference, "note": entry.note,
        "created_at": entry.created_at.isoformat(sep=" ", timespec="seconds"),
    }


def _gateway_payload(row: PaymentGateway) -> dict:
    return {"id": row.id, "name": row.name, "title": row.title, "logo": platform.image_url(row.logo),
            "is_active": bool(row.is_active), "sort_order": row.sort_order}


def _settings_payload() -> dict:
    return {"commission_percent": float(services.commission_percent()),
            "min_withdraw_amount": float(services.to_decimal(services.min_withdraw_amount()))}


class SellerWallet:
    @op(scope="seller", permission="shop.wallet.view", query=schemas.SellerWalletQuery,
        response=schemas.SellerWalletData, tags=SELLER_TAGS,
        summary="The shop's wallet: sales, commission and profit (all time or a period) and its balance")
    def on_get(self, req, resp):
        figures = services.shop_wallet_summary(req.context.shop.id, req.context.query.get("filter_type"))
        money = services.format_money
        growth = figures["growth"]
        ok(resp, {
            "total_sales": money(figures["total_sales"]),
            "commission": money(figures["commission"]),
            "profit": money(figures["profit"]),
            "lifetime_sales": money(figures["lifetime_sales"]),
            "withdrawable_amount": money(max(figures["balance"], 0)),
            "growth_percentage": "0%" if growth is None else f"{growth:+.1f}%",
            "pending_withdraw": None,
            "min_withdraw_amount": money(figures["min_withdraw_amount"]),
            "is_withdrawable": figures["is_withdrawable"],
            "balance": float(services.to_decimal(figures["balance"])),
            "currency": ledger.currency(),
        })


class SellerWalletTransactions:
    @op(scope="seller", permission="shop.wallet.view", query=PageQuery, response=schemas.LedgerPageData,
        tags=SELLER_TAGS, summary="The shop's wallet entries, newest first (10 per page unless asked)")
    def on_get(self, req, resp):
        shop_id = req.context.shop.id
        ok(resp, paginate(ledger.entries(SHOP_WALLET, shop_id), req.context.query, "transactions", entry_payload,
                          default_per_page=10))


class AdminPaymentSettings:
    @op(permission="payments.settings.manage", response=schemas.PaymentSettingsData, tags=TAGS,
        summary="The platform's commission (percent) and the minimum shop withdrawal")
    def on_get(self, req, resp):
        ok(resp, _settings_payload())

    @op(permission="payments.settings.manage", body=schemas.PaymentSettingsIn, response=schemas.PaymentSettingsData,
        tags=TAGS, summary="Change the commission taken on delivered orders or the minimum withdrawal")
    def on_put(self, req, resp):
        with db.transaction():
            services.update_settings(req.context.body)
        ok(resp, _settings_payload(), "Payment settings updated.")


class AdminGateways:
    @op(permission="payment_gateways.manage", response=schemas.GatewayListData, tags=TAGS,
        summary="Every installed payment gateway, with its platform-wide switch")
    def on_get(self, req, resp):
        ok(resp, {"gateways": [_gateway_payload(row) for row in services.list_gateways()]})


class AdminGateway:
    @op(permission="payment_gateways.manage", body=schemas.GatewayIn, response=schemas.GatewayData, tags=TAGS,
        errors=(404,), summary="Switch a gateway off (or on) for every storefront, retitle or reorder it")
    def on_put(self, req, resp, name):
        try:
            with db.transaction():
                row = services.update_gateway(name, req.context.body)
        except PaymentGateway.DoesNotExist:
            raise APIError(404, "Unknown payment gateway.") from None
        ok(resp, {"gateway": _gateway_payload(row)}, "Payment gateway updated.")


def routes() -> list[Route]:
    return [
        Route("/api/seller/wallet", SellerWallet()),
        Route("/api/seller/wallet/transactions", SellerWalletTransactions()),
        Route("/api/admin/payments/settings", AdminPaymentSettings()),
        Route("/api/admin/payment-gateways", AdminGateways()),
        Route("/api/admin/payment-gateways/{name}", AdminGateway()),
    ]
