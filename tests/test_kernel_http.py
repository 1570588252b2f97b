"""HTTP conventions: the envelope on every error, 401/403/404/405/413/422, health and OpenAPI."""

import pytest
from marshmallow import ValidationError

from conftest import BASE_DOMAIN
from kernel.http.fields import WholeNumber


def test_unknown_host_is_404_in_envelope(api):
    # given a host that names no storefront
    response = api.get("/api/subscription/plans", host="nowhere.example.org")
    # then 404 with a message and no data
    assert response.status == 404
    assert isinstance(response.json["message"], str) and "data" not in response.json


def test_unknown_route_is_404_in_envelope(api):
    response = api.get("/api/no-such-route")
    assert response.status == 404 and response.json == {"message": response.json["message"]}


def test_wrong_method_is_405_in_envelope(api):
    response = api.delete("/api/subscription/plans")
    assert response.status == 405
    assert response.json["message"] == "Method not allowed."
    assert "GET" in response.headers.get("allow", "")


def test_missing_token_is_401(api):
    response = api.get("/api/seller/features")
    assert response.status == 401 and response.json == {"message": "Unauthenticated."}


def test_garbage_token_is_401(api):
    for value in ("garbage", "1|nope", "999999999|x", "abc|def", "|"):
        assert api.get("/api/seller/features", token=value).status == 401


def test_oversized_body_is_413(api, root_token):
    response = api.post("/api/admin/shops", token=root_token, body=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                        content_type="application/json")
    assert response.status == 413 and "message" in response.json


def test_malformed_json_is_400(api, root_token):
    response = api.post("/api/admin/shops", token=root_token, body=b"{not json", content_type="application/json")
    assert response.status == 400 and "data" not in response.json


def test_bad_input_is_422_with_field_errors(api, root_token):
    # given a body missing fields and with a wrongly typed one
    response = api.post("/api/admin/shops", token=root_token, json={"name": "", "plan": 5, "owner": {"email": "x"}})
    # then 422 lists each field's problems, and the message is the first problem
    assert response.status == 422
    errors = response.json["errors"]
    assert {"slug", "plan", "owner.email", "owner.password"} <= set(errors)
    assert all(isinstance(m, list) and all(isinstance(x, str) for x in m) for m in errors.values())
    assert "data" not in response.json


def test_non_object_json_is_422(api, root_token):
    response = api.post("/api/admin/shops", token=root_token, json=[1, 2])
    assert response.status == 422


def test_bare_and_empty_query_keys_mean_absent(api, root_token):
    # given the way Dio encodes nulls: bare keys, and empty strings
    bare = api.get("/api/admin/shops", token=root_token, query_string="page&per_page&search&plan")
    empty = api.get("/api/admin/shops", token=root_token, query_string="page=&per_page=&search=&plan=")
    # then both list every shop, unpaginated
    assert bare.status == 200 and empty.status == 200
    assert bare.json["data"]["total"] == empty.json["data"]["total"] >= 1
    assert len(bare.json["data"]["shops"]) == bare.json["data"]["total"]


def test_pagination_counts_all_matches(api, root_token, make_shop):
    make_shop(), make_shop()
    page = api.get("/api/admin/shops", token=root_token, params={"page": 1, "per_page": 1}).json["data"]
    assert page["per_page"] == 1 and len(page["shops"]) == 1 and page["total"] >= 2


def test_out_of_range_id_is_404(api, root_token):
    assert api.get("/api/admin/shops/99999999999999999999", token=root_token).status == 404


def test_health_and_readiness(api):
    assert api.get("/healthz", host="anything.invalid").json["data"]["status"] == "ok"
    ready = api.get("/readyz", host="anything.invalid")
    assert ready.status == 200 and ready.json["data"]["database"] is True


def test_openapi_document_covers_routes(api):
    doc = api.get("/api/openapi.json", host="anything.invalid").json
    assert doc["openapi"].startswith("3.")
    assert "/api/admin/shops/{shop_id}/plan" in doc["paths"]
    assert doc["paths"]["/api/seller/features"]["get"]["security"] == [{"bearer": []}]


def test_empty_optional_body_keys_are_documented_as_the_pipeline_reads_them(api):
    # given an optional switch of a JSON body, which the pipeline reads as absent when it is ""
    answered = api.post("/api/auth/resend-otp", json={"phone": "nobody@example.com", "forgot_password ": ""})
    assert answered.status == 200, answered
    # then the document accepts "" there too (and still the switch's own values), so clients and fuzzers agree
    schema = api.get("/api/openapi.json", host="anything.invalid").json["components"]["schemas"]["ResendOtpIn"]
    switch = schema["properties"]["forgot_password "]
    assert {"type": "string", "enum": [""]} in switch["anyOf"]
    assert schema["properties"]["phone"]["type"] == "string"


def test_marketplace_host_variants(api):
    for host in (BASE_DOMAIN, f"www.{BASE_DOMAIN}", "127.0.0.1", f"{BASE_DOMAIN.upper()}."):
        assert api.get("/api/subscription/plans", host=host).status == 200, host


def test_whole_numbers_refuse_fractions_instead_of_cutting_them():
    # given the shared id field
    field = WholeNumber()
    # then whole values load, as numbers or decimal strings
    assert (field.deserialize(3), field.deserialize("7"), field.deserialize(4.0)) == (3, 7, 4)
    # and fractions, booleans and non-finite numbers are invalid
    for bad in (1.5, "1.5", True, float("inf"), float("nan")):
        with pytest.raises(ValidationError):
            field.deserialize(bad)
