"""Public configuration routes: countries, languages and translations, currencies, legal pages,
contact details, pages, menus, footers and social links."""

import pytest

from contract import assert_dart_types

LEGAL_SLUGS = ("privacy-policy", "terms-and-conditions", "return-and-refund-policy")


def test_countries_are_all_249_with_string_phone_codes(api):
    # given the seeded countries
    # when the app loads the country picker
    response = api.get("/api/countries")
    # then all 249 ISO countries come with int ids and string calling codes
    assert response.status == 200
    assert_dart_types(response.json, {
        "message": "String?", "data.countries": "List!", "data.countries[].id": "int!",
        "data.countries[].name": "String!", "data.countries[].phone_code": "String!",
        "data.countries[].code": "String!",
    })
    countries = response.json["data"]["countries"]
    assert len(countries) == 249
    assert len({c["id"] for c in countries}) == 249
    by_code = {c["code"]: c for c in countries}
    assert by_code["BD"]["phone_code"] == "880" and by_code["BD"]["name"] == "Bangladesh"
    assert by_code["US"]["phone_code"] == "1"
    assert all(c["phone_code"].isdigit() for c in countries)


@pytest.mark.parametrize("code,home,direction", [
    ("en", "Home", "ltr"), ("ar", "الرئيسية", "rtl"), ("bn", "হোম", "ltr"),
])
def test_lang_returns_the_languages_strings(api, code, home, direction):
    # given the seeded languages
    # when a client asks for one language's strings
    response = api.get(f"/api/lang/{code}")
    # then it gets that language's translations and writing direction
    assert response.status == 200
    data = response.json["data"]
    assert data["code"] == code and data["dir"] == direction and data["translations"]["home"] == home


def test_every_language_translates_the_same_keys(api):
    keys = {code: set(api.get(f"/api/lang/{code}").json["data"]["translations"]) for code in ("en", "ar", "bn")}
    assert keys["en"] == keys["ar"] == keys["bn"] and len(keys["en"]) >= 40


def test_unknown_language_is_404_without_data(api):
    response = api.get("/api/lang/xx")
    assert response.status == 404
    assert "data" not in response.json and isinstance(response.json["message"], str)


def test_languages_lists_en_ar_bn_with_en_default(api):
    languages = api.get("/api/languages").json["data"]["languages"]
    assert [lang["code"] for lang in languages] == ["en", "ar", "bn"]
    assert [lang["code"] for lang in languages if lang["is_default"]] == ["en"]


def test_currencies_carry_double_rates(api):
    response = api.get("/api/currencies")
    assert_dart_types(response.json, {
        "data.currencies": "List!", "data.currencies[].id": "int!", "data.currencies[].rate": "double!",
        "data.currencies[].rate_from_default": "double!", "data.currencies[].is_default": "bool!",
        "data.currencies[].symbol": "String!",
    })
    codes = {c["code"] for c in response.json["data"]["currencies"]}
    assert {"USD", "EUR", "GBP", "INR", "BDT"} <= codes


@pytest.mark.parametrize("slug", LEGAL_SLUGS)
def test_legal_page_parses_as_html_content_model(api, slug):
    # given a seeded legal page
    # when the app opens it
    response = api.get(f"/api/legal-pages/{slug}")
    # then it is the HtmlContentModel: data.content with a title and an HTML description
    assert response.status == 200
    assert_dart_types(response.json, {
        "message": "String!", "data": "Map!", "data.content": "Map!",
        "data.content.title": "String!", "data.content.description": "String!",
    })
    assert response.json["data"]["content"]["description"].startswith("<")


def test_legal_pages_list_the_three_policies(api):
    pages = api.get("/api/legal-pages").json["data"]["pages"]
    assert {p["slug"] for p in pages} == set(LEGAL_SLUGS)


def test_unknown_legal_page_is_404_without_data(api):
    response = api.get("/api/legal-pages/cookie-policy")
    assert response.status == 404 and "data" not in response.json


def test_contact_us_parses_as_contact_us_model(api):
    response = api.get("/api/contact-us")
    assert response.status == 200
    assert_dart_types(response.json, {
        "message": "String!", "data": "Map!", "data.phone": "String?", "data.email": "String?",
        "data.whatsapp": "String?", "data.messenger": "String?",
    })
    assert response.json["data"]["email"] == "support@qutekart.com"


def test_pages_about_contact_faq(api):
    slugs = {p["slug"] for p in api.get("/api/pages").json["data"]["pages"]}
    assert {"about-us", "contact-us", "faq"} <= slugs
    page = api.get("/api/pages/faq").json["data"]
    assert page["page"]["title"] == page["content"]["title"] == "Frequently Asked Questions"
    assert api.get("/api/pages/nope").status == 404


def test_menus_footers_and_social_links(api):
    menus = api.get("/api/menus").json["data"]["menus"]
    first_item = menus[0]["items"][0]
    assert menus[0]["name"] == "header" and (first_item["title"], first_item["url"]) == ("Home", "/")
    footers = api.get("/api/footers").json["data"]["footers"]
    assert [f["title"] for f in footers] == ["Company", "Policies", "Sell with us"]
    links = api.get("/api/social-links").json["data"]["social_links"]
    assert {"facebook", "instagram"} <= {link["name"] for link in links}


def test_public_configuration_routes_answer_on_shop_hosts(api, make_shop):
    # given a shop storefront
    _, _, host = make_shop("free")
    # then the platform's configuration answers there as well
    for path in ("/api/countries", "/api/contact-us", "/api/legal-pages/privacy-policy", "/api/lang/en"):
        assert api.get(path, host=host).status == 200, path
