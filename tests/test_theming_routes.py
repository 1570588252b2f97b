"""Shop themes: GET /api/theme per storefront, PUT /api/seller/theme gated by theming.custom,
the platform scheme, and tenant isolation of the theme table."""

import pytest

from kernel import context, db
from plugins.theming.models import Theme

SHOP_THEME = {"source": "String!", "colors.primary": "String!"}


def test_theme_on_marketplace_is_the_platform_scheme_with_branding(api):
    # given the seeded platform (ZARA branding applied)
    # when a storefront asks for its theme on the marketplace
    response = api.get("/api/theme")
    # then it is the monochrome platform scheme with its flags
    assert response.status == 200
    data = response.json["data"]
    assert data["source"] == "platform" and data["colors"]["primary"] == "#000000"
    assert data["branding"] == {**data["branding"], "monochrome": True, "shadows": False, "gradients": False,
                                "corner_radius": 0, "flat": True}


def test_growth_seller_sets_theme_and_storefront_shows_it(api, make_shop):
    # given a Growth shop
    shop, token, host = make_shop("growth")
    # when its seller sets a primary colour
    response = api.put("/api/seller/theme", token=token, json={"primary": "#1e88e5"})
    # then the shop's theme and storefront carry it with derived shades
    assert response.status == 200, response
    assert response.json["data"]["source"] == "shop"
    assert response.json["data"]["colors"]["primary"] == "#1E88E5"
    storefront = api.get("/api/theme", host=host).json["data"]
    assert storefront["source"] == "shop" and storefront["colors"] == response.json["data"]["colors"]
    assert api.get("/api/seller/theme", token=token).json["data"]["colors"]["primary"] == "#1E88E5"


def test_second_save_replaces_the_theme(api, make_shop):
    shop, token, host = make_shop("growth")
    api.put("/api/seller/theme", token=token, json={"primary": "#111111"})
    api.put("/api/seller/theme", token=token, json={"primary": "#222222"})
    assert api.get("/api/theme", host=host).json["data"]["colors"]["primary"] == "#222222"
    with context.use(tenant=shop["id"]):
        assert Theme.select().count() == 1


def test_growth_shop_without_a_saved_theme_inherits_the_platform_scheme(api, make_shop):
    _, token, host = make_shop("growth")
    assert api.get("/api/theme", host=host).json["data"]["source"] == "platform"
    assert api.get("/api/seller/theme", token=token).json["data"]["source"] == "platform"


def test_free_shop_gets_the_plan_gate_body(api, make_shop):
    # given a Free shop
    _, token, host = make_shop("free")
    # when its seller tries to set a theme
    response = api.put("/api/seller/theme", token=token, json={"primary": "#1E88E5"})
    # then the kernel's gate answers with the plans that grant theming
    assert response.status == 403
    assert response.json == {
        "message": response.json["message"], "error": "feature_not_in_plan", "feature": "theming.custom",
        "current_plan": "free", "upgrade_to": ["growth", "enterprise"],
    }
    # and its storefront still gets the platform theme (GET /api/theme is not gated)
    storefront = api.get("/api/theme", host=host)
    assert storefront.status == 200 and storefront.json["data"]["source"] == "platform"


@pytest.mark.parametrize("primary", ["1E88E5", "#1E88E", "#1E88E5FF", "#XYZXYZ", "", "red", 123, None, "#1E88E5\n"])
def test_bad_colour_is_422(api, make_shop, primary):
    _, token, _ = make_shop("growth")
    response = api.put("/api/seller/theme", token=token, json={"primary": primary})
    assert response.status == 422, response
    assert "primary" in response.json["errors"] and "data" not in response.json


def test_missing_colour_is_422(api, make_shop):
    _, token, _ = make_shop("growth")
    response = api.put("/api/seller/theme", token=token, json={})
    assert response.status == 422 and "primary" in response.json["errors"]


def test_theme_update_needs_a_seller(api, customer_token):
    assert api.put("/api/seller/theme", json={"primary": "#000000"}).status == 401
    assert api.put("/api/seller/theme", token=customer_token, json={"primary": "#000000"}).status == 403


def test_seller_switching_theming_off_falls_back(api, make_shop):
    # given a Growth shop with its own colour
    _, token, host = make_shop("growth")
    api.put("/api/seller/theme", token=token, json={"primary": "#43A047"})
    # when the seller switches theming off
    assert api.put("/api/seller/features/theming.custom", token=token, json={"enabled": False}).status == 200
    # then the storefront shows the platform scheme; switching it on restores the colour
    assert api.get("/api/theme", host=host).json["data"]["source"] == "platform"
    api.put("/api/seller/features/theming.custom", token=token, json={"enabled": True})
    assert api.get("/api/theme", host=host).json["data"]["colors"]["primary"] == "#43A047"


def test_demo_shop_has_a_seeded_theme(api):
    data = api.get("/api/theme", host="demo.qutecat.test").json["data"]
    assert data["source"] == "shop" and data["colors"]["primary"] == "#0F766E"


def test_admin_changes_the_platform_scheme(api, root_token, seller_token):
    before = api.get("/api/admin/theme", token=root_token).json["data"]
    try:
        # when root changes the platform primary and a flag
        response = api.put("/api/admin/theme", token=root_token,
                           json={"primary": "#EE456B", "branding": {"shadows": True}})
        # then storefronts without their own theme follow
        assert response.status == 200
        data = api.get("/api/theme").json["data"]
        assert data["colors"]["primary"] == "#EE456B" and data["branding"]["shadows"] is True
        assert data["branding"]["monochrome"] is True
        assert api.get("/api/master").json["data"]["theme_colors"]["primary"] == "#EE456B"
    finally:
        api.put("/api/admin/theme", token=root_token,
                json={"primary": before["colors"]["primary"], "branding": {"shadows": before["branding"]["shadows"]}})
    assert api.get("/api/theme").json["data"]["colors"]["primary"] == before["colors"]["primary"]
    assert api.put("/api/admin/theme", token=seller_token, json={"primary": "#FF0000"}).status == 403
    assert api.put("/api/admin/theme", token=root_token, json={"branding": {"corner_radius": -1}}).status == 422


def test_theme_rows_are_tenant_scoped(api, make_shop):
    # given two shops with their own themes
    first, first_token, _ = make_shop("growth")
    second, second_token, _ = make_shop("growth")
    api.put("/api/seller/theme", token=first_token, json={"primary": "#AA0000"})
    api.put("/api/seller/theme", token=second_token, json={"primary": "#00AA00"})
    # when each tenant reads the table
    with context.use(tenant=first["id"]):
        first_rows = [t.primary for t in Theme.select()]
    with context.use(tenant=second["id"]):
        second_rows = [t.primary for t in Theme.select()]
    # then each sees only its own row, and no tenant means no query at all
    assert first_rows == ["#AA0000"] and second_rows == ["#00AA00"]
    with pytest.raises(context.NoTenantError):
        Theme.select().count()


def test_database_hides_themes_without_a_tenant_on_postgres(api, make_shop):
    # given a shop with a saved theme
    _, token, _ = make_shop("growth")
    api.put("/api/seller/theme", token=token, json={"primary": "#0000AA"})
    # when a query skips the ORM's tenant filter with no tenant in context
    visible = Theme.across_tenants().count()
    # then PostgreSQL's row-level security returns nothing (SQLite has only the ORM filter)
    if db.is_postgres():
        assert visible == 0
    else:
        assert visible >= 1
