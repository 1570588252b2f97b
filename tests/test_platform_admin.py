"""Admin edits of platform configuration: permission checks, validation, and effect on the app's routes."""

from plugins.platform import services


def test_admin_settings_update_changes_master(api, root_token):
    # given the seeded app name
    before = api.get("/api/master").json["data"]["app_name"]
    try:
        # when root renames the app and switches on sign-up OTPs by phone
        response = api.put("/api/admin/settings", token=root_token, json={
            "app_name": "QuteCat Bazaar", "register_otp_verify": True, "register_otp_type": "phone",
        })
        # then the settings and /api/master show it at once
        assert response.status == 200, response
        assert response.json["data"]["settings"]["app_name"] == "QuteCat Bazaar"
        data = api.get("/api/master").json["data"]
        assert data["app_name"] == "QuteCat Bazaar"
        assert data["register_otp_verify"] is True and data["register_otp_type"] == "phone"
        assert services.otp_settings()["register_otp_type"] == "phone"
    finally:
        api.put("/api/admin/settings", token=root_token, json={
            "app_name": before, "register_otp_verify": False, "register_otp_type": "email",
        })
    assert api.get("/api/master").json["data"]["app_name"] == before


def test_non_admins_cannot_change_settings(api, seller_token, customer_token):
    # given accounts without settings permissions
    for token in (seller_token, customer_token):
        # when they try to change a setting
        response = api.put("/api/admin/settings", token=token, json={"app_name": "Hijacked"})
        # then they are refused without data, and nothing changed
        assert response.status == 403 and "data" not in response.json
    assert api.get("/api/master").json["data"]["app_name"] != "Hijacked"


def test_settings_need_a_token(api):
    assert api.put("/api/admin/settings", json={"app_name": "x"}).status == 401
    assert api.get("/api/admin/settings").status == 401


def test_bad_settings_are_422_with_field_errors(api, root_token):
    # given root
    cases = [
        ({"register_otp_type": "sms"}, "register_otp_type"),
        ({"phone_min_length": 12, "phone_max_length": 10}, "phone_min_length"),
        ({"phone_min_length": 17}, "phone_min_length"),
        ({"multi_vendor": "yes"}, "multi_vendor"),
        ({"return_order_within_days": "7"}, "return_order_within_days"),
        ({"app_locale": "fr"}, "app_locale"),
        ({"unknown_key": 1}, "unknown_key"),
        ({"multi_vendor": 1}, "multi_vendor"),
        ({"phone_max_length": True}, "phone_max_length"),
        ({"phone_max_length": 15.5}, "phone_max_length"),
        ({}, "_schema"),
    ]
    for body, field in cases:
        # when a bad value is sent
        response = api.put("/api/admin/settings", token=root_token, json=body)
        # then it answers 422 naming the field, without data
        assert response.status == 422, (body, response)
        assert field in response.json["errors"] and "data" not in response.json
    assert api.get("/api/master").json["data"]["phone_min_length"] == 9


def test_admin_edits_a_legal_page(api, root_token):
    slug = "return-and-refund-policy"
    original = api.get(f"/api/legal-pages/{slug}").json["data"]["content"]
    try:
        response = api.put(f"/api/admin/legal-pages/{slug}", token=root_token,
                           json={"content": "<p>Returns within 14 days.</p>"})
        assert response.status == 200
        content = api.get(f"/api/legal-pages/{slug}").json["data"]["content"]
        assert content == {"title": original["title"], "description": "<p>Returns within 14 days.</p>"}
    finally:
        api.put(f"/api/admin/legal-pages/{slug}", token=root_token, json={"content": original["description"]})
    assert api.put("/api/admin/legal-pages/cookie-policy", token=root_token, json={"title": "x"}).status == 404


def test_admin_changes_currency_rate_and_default(api, root_token):
    currencies = {c["code"]: c for c in api.get("/api/admin/currencies", token=root_token).json["data"]["currencies"]}
    usd, eur = currencies["USD"], currencies["EUR"]
    try:
        # when EUR becomes the default at rate 1 and USD is re-rated against it
        assert api.put(f"/api/admin/currencies/{eur['id']}", token=root_token,
                       json={"rate": 1, "is_default": True}).status == 200
        assert api.put(f"/api/admin/currencies/{usd['id']}", token=root_token, json={"rate": 1.25}).status == 200
        # then master's default is EUR and USD's multiplier follows, as doubles
        data = api.get("/api/master").json["data"]
        assert data["currency"]["code"] == "EUR" and data["currency"]["rate"] == 1.0
        by_code = {c["code"]: c for c in data["currencies"]}
        assert by_code["USD"]["rate_from_default"] == 1.25 and by_code["USD"]["is_default"] is False
        assert [c["is_default"] for c in data["currencies"]].count(True) == 1
    finally:
        api.put(f"/api/admin/currencies/{usd['id']}", token=root_token, json={"rate": usd["rate"], "is_default": True})
        api.put(f"/api/admin/currencies/{eur['id']}", token=root_token, json={"rate": eur["rate"]})
    assert api.get("/api/master").json["data"]["currency"]["code"] == "USD"


def test_default_currency_cannot_be_deactivated_or_orphaned(api, root_token):
    usd = next(c for c in api.get("/api/admin/currencies", token=root_token).json["data"]["currencies"]
               if c["code"] == "USD")
    assert api.put(f"/api/admin/currencies/{usd['id']}", token=root_token, json={"is_active": False}).status == 422
    assert api.put(f"/api/admin/currencies/{usd['id']}", token=root_token, json={"is_default": False}).status == 422
    for bad_rate in (0, -1, True, "1.5"):
        response = api.put(f"/api/admin/currencies/{usd['id']}", token=root_token, json={"rate": bad_rate})
        assert response.status == 422 and "rate" in response.json["errors"], bad_rate
    assert api.put("/api/admin/currencies/999999", token=root_token, json={"rate": 2}).status == 404


def test_social_auth_secret_never_leaves_the_admin_api(api, root_token):
    try:
        # given root configures Google sign-in with a secret
        response = api.put("/api/admin/social-auth/google", token=root_token, json={
            "is_active": True, "client_id": "google-client-id", "client_secret": "very-secret-value",
        })
        assert response.status == 200
        assert response.json["data"]["provider"]["has_secret"] is True
        # then no response, public or admin, carries the secret
        for path, token in (("/api/master", None), ("/api/admin/social-auth", root_token)):
            text = api.get(path, token=token).text
            assert "very-secret-value" not in text
        google = next(p for p in api.get("/api/master").json["data"]["social_auths"] if p["provider"] == "google")
        assert google == {"provider": "google", "is_active": True, "client_id": "google-client-id"}
    finally:
        api.put("/api/admin/social-auth/google", token=root_token,
                json={"is_active": False, "client_id": "", "client_secret": ""})


def test_social_auth_needs_credentials_before_enabling(api, root_token):
    response = api.put("/api/admin/social-auth/apple", token=root_token, json={"is_active": True})
    assert response.status == 422 and "is_active" in response.json["errors"]
    assert api.put("/api/admin/social-auth/myspace", token=root_token, json={"is_active": False}).status == 404


def test_admin_edits_translations(api, root_token):
    original = api.get("/api/lang/bn").json["data"]["translations"]["cart"]
    try:
        response = api.put("/api/admin/translations/bn", token=root_token, json={"translations": {"cart": "ঝুড়ি"}})
        assert response.status == 200
        assert api.get("/api/lang/bn").json["data"]["translations"]["cart"] == "ঝুড়ি"
    finally:
        api.put("/api/admin/translations/bn", token=root_token, json={"translations": {"cart": original}})


def test_get_setting_falls_back_to_the_given_default(platform):
    assert services.get_setting("app_name") == "QuteCat"
    assert services.get_setting("no_such_setting", 42) == 42


def test_superadmin_holds_the_seeded_configuration_permissions(api):
    # given a platform administrator who is not root
    from kernel import db, tokens
    from plugins.accounts.services import create_user

    with db.transaction():
        admin = create_user(name="Ada Admin", email="ada-admin@example.com", password="secret123",
                            roles=("superadmin",))
    token, _ = tokens.issue(admin, name="test")
    # when they read settings and edit a page
    settings = api.get("/api/admin/settings", token=token)
    page = api.put("/api/admin/pages/shipping", token=token, json={"title": "Shipping", "content": "<p>Fast.</p>"})
    # then the permissions the platform plugin seeded for superadmin let them
    assert settings.status == 200 and settings.json["data"]["settings"]["phone_min_length"] == 9
    assert page.status == 200
    assert api.get("/api/pages/shipping").json["data"]["content"]["description"] == "<p>Fast.</p>"
