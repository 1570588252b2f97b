"""``GET /api/master``: the app's start-up configuration, assembled from every live plugin.

Each live plugin returns a dict fragment from the kernel's ``master_config``
hook; :func:`merge` combines them in plugin load order, so a plugin that loads
later (one that depends on another) overrides the keys it sets. The platform
plugin contributes the base: every key of FLUTTER_CONTRACT.md section 10.
"""

import os

from kernel import config, tenancy, urls
from plugins.platform import services, theme

MASTER_CURRENCY_KEYS = ("id", "name", "code", "symbol", "rate", "rate_from_default", "position", "is_default")


def merge(fragments: list[dict]) -> dict:
    """Merge hook results into one dict, later plugins overriding earlier ones.

    pluggy returns results newest-registered first, and plugins register in
    load order, so the list is walked backwards.
    """
    merged: dict = {}
    for fragment in reversed(fragments):
        merged.update(fragment)
    return merged


def assemble(request) -> dict:
    """Collect the storefront's fragments through its hook view and merge them."""
    ctx = request.context
    return merge(ctx.hooks.master_config(tenant=ctx.tenant, request=request))


def _hooks(tenant, request):
    if request is not None:
        return request.context.hooks
    host = tenancy.plugin_host()
    return host.full_view if tenant is None else tenant.hooks


def base_fragment(tenant, request) -> dict:
    """The platform's keys.

    ``payment_gateways`` is empty and ``cash_on_delivery`` / ``online_payment``
    are false here: they describe what gateway plugins offer, so each gateway
    plugin live on the storefront sets them from its own fragment.
    ``multi_vendor`` is the platform's setting on the marketplace only: a
    shop's own host sells that shop alone, and the app then hides its shops
    section and shop links.
    """
    settings = services.all_settings()
    otp = services.otp_settings()
    default = services.default_currency()
    storefront = theme.storefront(_hooks(tenant, request), tenant)
    return {
        "currency": {
            "name": default["name"], "code": default["code"], "symbol": default["symbol"],
            "rate": float(default["rate"]), "position": default["position"],
        },
        "currencies": [{key: c[key] for key in MASTER_CURRENCY_KEYS} for c in services.active_currencies()],
        "payment_gateways": [],
        "cash_on_delivery": False,
        "online_payment": False,
        "multi_vendor": bool(settings["multi_vendor"]) and tenant is None,
        "app_name": str(settings["app_name"]),
        "app_logo": services.image_url(settings["app_logo"]),
        "web_logo": services.image_url(settings["web_logo"]),
        "register_otp_verify": bool(otp["register_otp_verify"]),
        "register_otp_type": str(otp["register_otp_type"]),
        "forgot_otp_type": str(otp["forgot_otp_type"]),
        "order_place_account_verify": bool(otp["order_place_account_verify"]),
        "phone_required": bool(otp["phone_required"]),
        "phone_min_length": int(otp["phone_min_length"]),
        "phone_max_length": int(otp["phone_max_length"]),
        "theme_colors": storefront["colors"],
        "branding": storefront["branding"],
        "app_locale": str(settings["app_locale"]),
        "languages": [
            {key: lang[key] for key in ("id", "code", "name", "dir", "is_default")}
            for lang in services.active_languages()
        ],
        "return_order_within_days": int(settings["return_order_within_days"]),
        "show_download_app": bool(settings["show_download_app"]),
        "google_playstore_link": str(settings["google_playstore_link"]),
        "app_store_link": str(settings["app_store_link"]),
        "mobile": str(settings["contact_phone"]),
        "email": str(settings["contact_email"]),
        "address": str(settings["address"]),
        "web_show_footer": bool(settings["web_show_footer"]),
        "web_footer_text": str(settings["web_footer_text"]),
        "web_footer_logo": services.image_url(settings["web_footer_logo"]),
        "footer_qr": services.image_url(settings["footer_qr"]),
        "social_links": list(services.social_links()),
        "social_auths": [
            {key: p[key] for key in ("provider", "is_active", "client_id")} for p in services.social_auths()
        ],
        "menus": list(services.menus()),
        "footers": list(services.footers()),
        "pusher_app_key": os.environ.get("PUSHER_APP_KEY", ""),
        "pusher_app_cluster": os.environ.get("PUSHER_APP_CLUSTER", "mt1"),
        "app_environment": config.settings.app_env,
        "baseUrl": urls.absolute("/").rstrip("/"),
    }
