"""GET /api/master: every key and Dart type of FLUTTER_CONTRACT.md section 10, per storefront."""

from contract import assert_dart_types, violations
from kernel.hookspecs import hookimpl
from plugins.platform.colors import STEPS
from plugins.platform.master import base_fragment, merge

# FLUTTER_CONTRACT.md section 10: what MasterModel.fromJson reads (all-or-nothing).
MASTER_CONTRACT = {
    "message": "String!",
    "data": "Map!",
    "data.currency": "Map!",
    "data.currency.name": "String!",
    "data.currency.symbol": "String!",
    "data.currency.rate": "double!",
    "data.currency.position": "String!",
    "data.currencies": "List!",
    "data.currencies[].id": "int!",
    "data.currencies[].name": "String!",
    "data.currencies[].rate_from_default": "double!",
    "data.currencies[].symbol": "String!",
    "data.currencies[].is_default": "bool!",
    "data.payment_gateways": "List!",
    "data.payment_gateways[].id": "int!",
    "data.payment_gateways[].title": "String!",
    "data.payment_gateways[].name": "String!",
    "data.payment_gateways[].logo": "String!",
    "data.payment_gateways[].is_active": "bool!",
    "data.multi_vendor": "bool!",
    "data.app_logo": "String!",
    "data.app_name": "String!",
    "data.web_logo": "String!",
    "data.cash_on_delivery": "bool!",
    "data.online_payment": "bool!",
    "data.register_otp_verify": "bool!",
    "data.register_otp_type": "String!",
    "data.forgot_otp_type": "String!",
    "data.order_place_account_verify": "bool!",
    "data.theme_colors": "Map!",
    "data.theme_colors.primary": "String!",
    "data.phone_required": "bool!",
    "data.phone_min_length": "int!",
    "data.phone_max_length": "int!",
}

# Keys the original also emits (the app ignores them; web clients and tools read them).
MASTER_EXTRAS = {
    "data.app_locale": "String!",
    "data.languages": "List!",
    "data.languages[].code": "String!",
    "data.languages[].dir": "String!",
    "data.social_links": "List!",
    "data.social_links[].url": "String!",
    "data.social_auths": "List!",
    "data.social_auths[].provider": "String!",
    "data.social_auths[].is_active": "bool!",
    "data.menus": "List!",
    "data.menus[].items": "List!",
    "data.footers": "List!",
    "data.footers[].items": "List!",
    "data.return_order_within_days": "int!",
    "data.currencies[].rate": "double!",
    "data.pusher_app_key": "String!",
    "data.pusher_app_cluster": "String!",
    "data.show_download_app": "bool!",
    "data.web_show_footer": "bool!",
    "data.baseUrl": "String!",
    **{f"data.theme_colors.primary{step}": "String!" for step in STEPS},
}


def test_master_on_marketplace_has_every_contract_key_with_its_dart_type(api):
    # given the seeded marketplace
    # when the app starts
    response = api.get("/api/master")
    # then every key the app reads is there with exactly its Dart type
    assert response.status == 200
    assert_dart_types(response.json, {**MASTER_CONTRACT, **MASTER_EXTRAS})


def test_master_defaults_follow_the_original(api):
    # given the seeded platform
    # when the app reads master
    data = api.get("/api/master").json["data"]
    # then the defaults are the original's: USD at 1.0 as prefix, phone length 9-16, e-mail OTPs
    assert data["currency"] == {**data["currency"], "symbol": "$", "rate": 1.0, "position": "prefix", "code": "USD"}
    assert isinstance(data["currency"]["rate"], float)
    assert (data["phone_min_length"], data["phone_max_length"]) == (9, 16)
    assert data["register_otp_type"] == "email" and data["forgot_otp_type"] == "email"
    assert data["app_name"] == "QuteCat" and data["multi_vendor"] is True
    # (payment options are the gateway plugins' to set, tests/test_payments_master.py; the platform offers none)
    base = base_fragment(None, None)
    assert base["payment_gateways"] == [] and base["cash_on_delivery"] is False and base["online_payment"] is False
    assert {c["name"] for c in data["currencies"]} >= {"US Dollar", "Euro", "Pound Sterling", "Indian Rupee", "Taka"}
    assert [c["is_default"] for c in data["currencies"]].count(True) == 1


def test_master_rate_from_default_is_a_double_even_for_whole_rates(api):
    # given currencies whose rates are whole numbers (USD 1)
    data = api.get("/api/master").json["data"]
    # then every rate is still a JSON double
    usd = next(c for c in data["currencies"] if c["code"] == "USD")
    assert usd["rate_from_default"] == 1.0 and isinstance(usd["rate_from_default"], float)
    assert '"rate":1.0' in api.get("/api/master").text.replace(" ", "")


def test_master_logos_are_absolute_urls_that_resolve(api):
    # given the seeded logos
    data = api.get("/api/master").json["data"]
    # then each logo is an absolute URL the app can download
    for key in ("app_logo", "web_logo"):
        assert data[key].startswith("http")
        path = "/" + data[key].split("/", 3)[3]
        image = api.client.simulate_get(path, host="qutecat.test")
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")


def test_master_on_free_shop_host_shows_platform_scheme(api, make_shop):
    # given a Free shop (no theming.custom)
    shop, _, host = make_shop("free")
    # when the app starts on its host
    response = api.get("/api/master", host=host)
    # then the contract holds and the colours are the platform's
    assert response.status == 200
    assert_dart_types(response.json, MASTER_CONTRACT)
    marketplace = api.get("/api/master").json["data"]["theme_colors"]
    assert response.json["data"]["theme_colors"] == marketplace
    # and a shop's own storefront sells one shop's goods, so the app hides its shops section
    assert response.json["data"]["multi_vendor"] is False


def test_master_on_growth_shop_host_shows_the_shop_theme(api, make_shop):
    # given a Growth shop that saved its own colour
    shop, token, host = make_shop("growth")
    assert api.put("/api/seller/theme", token=token, json={"primary": "#1E88E5"}).status == 200
    # when the app starts on the shop's host
    response = api.get("/api/master", host=host)
    # then master carries the shop's colour, and the marketplace keeps the platform's
    assert_dart_types(response.json, MASTER_CONTRACT)
    assert response.json["data"]["theme_colors"]["primary"] == "#1E88E5"
    assert response.json["data"]["theme_colors"]["primary500"] == "#1E88E5"
    assert api.get("/api/master").json["data"]["theme_colors"]["primary"] != "#1E88E5"


def test_master_hides_shop_theme_once_the_plan_loses_theming(api, root_token, make_shop):
    # given a Growth shop with its own colour
    shop, token, host = make_shop("growth")
    api.put("/api/seller/theme", token=token, json={"primary": "#7B1FA2"})
    # when root moves it to Free
    api.put(f"/api/admin/shops/{shop['id']}/plan", token=root_token, json={"plan": "free"})
    # then its storefront falls back to the platform scheme at once
    colors = api.get("/api/master", host=host).json["data"]["theme_colors"]
    assert colors["primary"] == api.get("/api/master").json["data"]["theme_colors"]["primary"]


def test_later_plugin_fragment_overrides_earlier(platform, api):
    # given a plugin registered after the platform plugin that sets a master key
    class LatePlugin:
        @hookimpl
        def master_config(self, tenant, request):
            return {"app_name": "From a later plugin", "cash_on_delivery": True}

    plugin = LatePlugin()
    platform.host.pm.register(plugin, name="late-test-plugin")
    try:
        # when the app reads master
        data = api.get("/api/master").json["data"]
    finally:
        platform.host.pm.unregister(plugin)
    # then the later fragment wins and the others stay
    assert data["app_name"] == "From a later plugin" and data["cash_on_delivery"] is True
    assert data["currency"]["rate"] == 1.0


def test_merge_walks_results_in_load_order():
    # given pluggy's results, newest-registered plugin first
    fragments = [{"a": 3, "c": 3}, {"a": 2, "b": 2}, {"a": 1}]
    # when merged
    # then the plugin loaded last wins every key it sets
    assert merge(fragments) == {"a": 3, "b": 2, "c": 3}


def test_contract_helper_tells_dart_types_apart():
    # given values Python treats as interchangeable
    document = {"i": True, "d": 1, "s": 880, "b": 1, "l": {}, "ok": 1.0}
    # when checked against Dart types
    problems = violations(document, {"i": "int!", "d": "double!", "s": "String!", "b": "bool!", "l": "List!",
                                     "ok": "double!", "gone": "int!", "maybe": "int?"})
    # then each mismatch is reported, and an optional missing key is fine
    assert len(problems) == 6
    assert not any(p.startswith(("ok", "maybe")) for p in problems)
