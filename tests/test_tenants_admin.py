"""Admin shop creation, plan changes, seller feature toggles and the plan gate."""


def test_admin_creates_shop_with_owner(api, root_token):
    # given a root token
    # when root creates a shop
    response = api.post("/api/admin/shops", token=root_token, json={
        "name": "Acme", "slug": "acme", "plan": "starter",
        "owner": {"name": "Ann", "email": "ann@acme.test", "phone": "0155500001", "password": "secret123"},
    })
    # then the shop exists on its plan
    assert response.status == 201, response
    shop = response.json["data"]["shop"]
    assert shop["slug"] == "acme" and shop["plan"] == "starter" and isinstance(shop["id"], int)


def test_duplicate_slug_is_422(api, root_token, make_shop):
    shop, _, _ = make_shop()
    response = api.post("/api/admin/shops", token=root_token, json={
        "name": "Again", "slug": shop["slug"], "plan": "free",
        "owner": {"name": "B", "email": "b-dup@example.com", "password": "secret123"},
    })
    assert response.status == 422
    assert "slug" in response.json["errors"]
    assert "data" not in response.json


def test_customer_cannot_create_shop(api, customer_token):
    response = api.post("/api/admin/shops", token=customer_token, json={})
    assert response.status == 403


def test_seller_features_list_granted_and_enabled(api, make_shop):
    shop, token, _ = make_shop("growth")
    response = api.get("/api/seller/features", token=token)
    assert response.status == 200
    features = {f["feature"]: f for f in response.json["data"]["features"]}
    assert features["theming.custom"]["granted"] is True
    assert features["theming.custom"]["enabled"] is True
    assert features["api_access"]["granted"] is False


def test_plan_change_moves_features(api, root_token, make_shop):
    shop, token, _ = make_shop("free")
    before = {f["feature"]: f["granted"] for f in api.get("/api/seller/features", token=token).json["data"]["features"]}
    assert before["theming.custom"] is False
    response = api.put(f"/api/admin/shops/{shop['id']}/plan", token=root_token, json={"plan": "growth"})
    assert response.status == 200 and response.json["data"]["shop"]["plan"] == "growth"
    after = {f["feature"]: f["granted"] for f in api.get("/api/seller/features", token=token).json["data"]["features"]}
    assert after["theming.custom"] is True


def test_seller_switches_feature_off_and_on(api, make_shop):
    shop, token, _ = make_shop("growth")
    off = api.put("/api/seller/features/chat", token=token, json={"enabled": False})
    assert off.status == 200
    chat = next(f for f in off.json["data"]["features"] if f["feature"] == "chat")
    assert chat == {**chat, "granted": True, "enabled": False}
    on = api.put("/api/seller/features/chat", token=token, json={"enabled": True})
    assert next(f for f in on.json["data"]["features"] if f["feature"] == "chat")["enabled"] is True


def test_seller_cannot_enable_feature_outside_plan(api, make_shop):
    shop, token, _ = make_shop("free")
    response = api.put("/api/seller/features/theming.custom", token=token, json={"enabled": True})
    assert response.status == 403
    body = response.json
    assert body["error"] == "feature_not_in_plan"
    assert body["feature"] == "theming.custom"
    assert body["current_plan"] == "free"
    assert body["upgrade_to"] == ["growth", "enterprise"]


def test_root_grants_feature_beyond_plan(api, root_token, make_shop):
    shop, token, _ = make_shop("free")
    response = api.put(f"/api/admin/shops/{shop['id']}/features/theming.custom", token=root_token, json={"granted": True})
    assert response.status == 200
    feature = next(f for f in api.get("/api/seller/features", token=token).json["data"]["features"]
                   if f["feature"] == "theming.custom")
    assert feature["granted"] is True and feature["in_plan"] is False


def test_usage_report(api, make_shop):
    shop, token, _ = make_shop("free")
    usage = api.get("/api/subscription/usage", token=token).json["data"]["usage"]
    assert usage["products"] == {"current": 0, "limit": 25, "remaining": 25, "percent": 0.0}


def test_plans_are_public(api):
    plans = api.get("/api/subscription/plans").json["data"]["plans"]
    assert [p["slug"] for p in plans] == ["free", "starter", "growth", "enterprise"]
    enterprise = plans[-1]
    assert enterprise["limits"]["products"] is None and enterprise["price_monthly"] == 299.0


def test_admin_plugins_lists_plugins(api, root_token, seller_token):
    response = api.get("/api/admin/plugins", token=root_token)
    assert response.status == 200
    names = {p["name"]: p for p in response.json["data"]["plugins"]}
    assert names["theming"]["features"] == ["theming.custom"]
    assert api.get("/api/admin/plugins", token=seller_token).status == 403
