"""Which gateways a storefront and a checkout offer: per plan, per shop switch, platform-wide, and /api/master."""

import pytest

from contract import assert_dart_types
from kernel import tenancy
from kernel.models import Plan, User
from payments_fixtures import names
from plugins.payments import services
from plugins.payments.models import PaymentGateway
from test_platform_master import MASTER_CONTRACT


def offered(shop_id: int) -> list[str]:
    return names(services.storefront_gateways(tenancy.get(shop_id)))


def test_plan_seeds_grant_cash_everywhere_and_wallet_from_starter(platform):
    # given the seeded plans
    features = {plan.slug: set(plan.features) for plan in Plan.select()}
    # then cash is on every plan, wallet and Stripe from Starter up
    assert all("payments.cod" in granted for granted in features.values())
    assert "payments.wallet" not in features["free"] and "payments.stripe" not in features["free"]
    for slug in ("starter", "growth", "enterprise"):
        assert {"payments.wallet", "payments.stripe"} <= features[slug]


def test_demo_seller_shop_is_on_growth(platform):
    # given the demo seed
    shop = tenancy.shop_of(User.get(User.email == "shop@qutekart.com").id)
    # then shop@qutekart.com runs a Growth shop offering cash and wallet
    assert shop.plan == "growth"
    assert offered(shop.id) == ["cash", "wallet"]


@pytest.mark.parametrize(("plan", "expected"), [
    ("free", ["cash"]), ("starter", ["cash", "wallet"]), ("growth", ["cash", "wallet"]),
    ("enterprise", ["cash", "wallet"]),
])
def test_gateways_follow_the_plan(make_shop, plan, expected):
    # given a shop on a plan
    shop, _, _ = make_shop(plan)
    # then its storefront offers the gateways its plan grants
    assert offered(shop["id"]) == expected


def test_seller_switching_wallet_off_withdraws_it(api, make_shop):
    # given a Starter shop offering cash and wallet
    shop, token, host = make_shop("starter")
    # when the seller switches the wallet off
    response = api.put("/api/seller/features/payments.wallet", token=token, json={"enabled": False})
    # then the shop offers cash only, on every process at once, and /api/master says so
    assert response.status == 200, response
    assert offered(shop["id"]) == ["cash"]
    data = api.get("/api/master", host=host).json["data"]
    assert data["payment_gateways"] == [] and data["online_payment"] is False and data["cash_on_delivery"] is True
    # when it is switched back on, then it is offered again
    api.put("/api/seller/features/payments.wallet", token=token, json={"enabled": True})
    assert offered(shop["id"]) == ["cash", "wallet"]


def test_free_seller_cannot_switch_on_wallet(api, make_shop):
    # given a Free shop
    shop, token, _ = make_shop("free")
    # when its seller tries to switch the wallet on
    response = api.put("/api/seller/features/payments.wallet", token=token, json={"enabled": True})
    # then the plan gate answers, naming the plans that grant it
    assert response.status == 403
    assert response.json["feature"] == "payments.wallet" and response.json["upgrade_to"][0] == "starter"
    assert offered(shop["id"]) == ["cash"]


def test_checkout_offers_only_what_every_shop_accepts(api, make_shop):
    # given a Free shop (cash), a Starter shop (cash, wallet) and a Starter shop without cash
    free, _, _ = make_shop("free")
    starter, _, _ = make_shop("starter")
    no_cash, token, _ = make_shop("starter")
    api.put("/api/seller/features/payments.cod", token=token, json={"enabled": False})
    # then each checkout offers the intersection of its shops' gateways
    assert names(services.offered_gateways([starter["id"]])) == ["cash", "wallet"]
    assert names(services.offered_gateways([free["id"], starter["id"]])) == ["cash"]
    assert names(services.offered_gateways([starter["id"], no_cash["id"]])) == ["wallet"]
    assert names(services.offered_gateways([free["id"], no_cash["id"]])) == []
    # and an unknown shop or an empty checkout is offered nothing
    assert services.offered_gateways([starter["id"], 2_000_000_000]) == []
    assert services.offered_gateways([]) == []


def test_operator_switches_a_gateway_off_everywhere(api, root_token, customer_token, make_shop):
    # given a Starter shop and the wallet gateway on
    shop, _, host = make_shop("starter")
    listed = api.get("/api/admin/payment-gateways", token=root_token)
    assert {"cash", "wallet"} <= {g["name"] for g in listed.json["data"]["gateways"]}
    # when a customer tries, then it is refused
    assert api.put("/api/admin/payment-gateways/wallet", token=customer_token, json={"is_active": False}).status == 403
    # when root switches the wallet off platform-wide
    response = api.put("/api/admin/payment-gateways/wallet", token=root_token, json={"is_active": False})
    try:
        # then no storefront offers it, whatever the plan
        assert response.status == 200 and response.json["data"]["gateway"]["is_active"] is False
        assert offered(shop["id"]) == ["cash"]
        assert names(services.storefront_gateways(None)) == ["cash"]
        assert api.get("/api/master", host=host).json["data"]["payment_gateways"] == []
    finally:
        api.put("/api/admin/payment-gateways/wallet", token=root_token, json={"is_active": True})
    assert offered(shop["id"]) == ["cash", "wallet"]


def test_gateway_admin_input_is_checked(api, root_token):
    # when root sends nothing, a non-boolean switch or an unknown gateway
    empty = api.put("/api/admin/payment-gateways/wallet", token=root_token, json={})
    loose = api.put("/api/admin/payment-gateways/wallet", token=root_token, json={"is_active": 1})
    unknown = api.put("/api/admin/payment-gateways/nope", token=root_token, json={"title": "Nope"})
    # then 422 in the envelope, and 404 for the unknown name
    assert empty.status == 422 and loose.status == 422 and "is_active" in loose.json["errors"]
    assert unknown.status == 404 and "data" not in unknown.json


def test_gateway_rows_are_seeded_with_logos(api):
    # given the essential seed, then each gateway has a row and a logo that resolves
    rows = {row.name: row for row in PaymentGateway.select()}
    assert {"cash", "wallet"} <= set(rows)
    logo = api.get("/api/master").json["data"]["payment_gateways"][0]["logo"]
    image = api.client.simulate_get("/" + logo.split("/", 3)[3], host="qutecat.test")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


# -- /api/master ---------------------------------------------------------------------


def test_master_on_marketplace_offers_what_the_platform_offers(api):
    # when the app starts on the marketplace
    response = api.get("/api/master")
    # then cash is its own option and the online gateways are listed with the app's types
    assert_dart_types(response.json, MASTER_CONTRACT)
    data = response.json["data"]
    assert data["cash_on_delivery"] is True and data["online_payment"] is True
    assert [g["name"] for g in data["payment_gateways"]] == ["wallet"]
    wallet = data["payment_gateways"][0]
    assert set(wallet) == {"id", "title", "name", "logo", "is_active"}
    assert wallet["is_active"] is True and wallet["id"] == PaymentGateway.get(name="wallet").id


def test_master_on_a_free_shop_offers_cash_only(api, make_shop):
    # given a Free shop
    _, _, host = make_shop("free")
    # when the app starts on its host
    response = api.get("/api/master", host=host)
    # then only cash on delivery is offered
    assert_dart_types(response.json, MASTER_CONTRACT)
    data = response.json["data"]
    assert data["payment_gateways"] == [] and data["cash_on_delivery"] is True and data["online_payment"] is False


def test_master_on_a_starter_shop_lists_the_wallet(api, make_shop):
    # given a Starter shop
    _, _, host = make_shop("starter")
    # when the app starts on its host, then cash and the wallet are offered
    data = api.get("/api/master", host=host).json["data"]
    assert data["cash_on_delivery"] is True and data["online_payment"] is True
    assert [g["name"] for g in data["payment_gateways"]] == ["wallet"]


def test_master_without_cash_hides_the_cash_option(api, make_shop):
    # given a Starter shop that switched cash off
    _, token, host = make_shop("starter")
    api.put("/api/seller/features/payments.cod", token=token, json={"enabled": False})
    # then the app's "Cash on delivery" option is hidden there
    data = api.get("/api/master", host=host).json["data"]
    assert data["cash_on_delivery"] is False and data["online_payment"] is True


def test_gateway_row_changes_reach_master(api, root_token):
    # given root retitles the wallet
    original = PaymentGateway.get(name="wallet").title
    api.put("/api/admin/payment-gateways/wallet", token=root_token, json={"title": "QuteCat Wallet"})
    try:
        # then the app's list shows the new title at once
        titles = [g["title"] for g in api.get("/api/master").json["data"]["payment_gateways"]]
        assert titles == ["QuteCat Wallet"]
    finally:
        api.put("/api/admin/payment-gateways/wallet", token=root_token, json={"title": original})
