"""Addresses: both route sets, contract types, the one default, validation, auth and isolation between customers."""

import os

import pytest

import catalog_fixtures as cf
from contract import assert_dart_types, under
from kernel import context
from kernel.models import User
from plugins.orders.models import Address

ADDRESS = {
    "id": "int!", "name": "String!", "phone": "String!", "area": "String?", "flat_no": "String?",
    "post_code": "String?", "address_line": "String!", "address_line2": "String?", "address_type": "String!",
    "latitude": "String?", "longitude": "String?", "is_default": "bool!",
}
LIST_SPEC = {"message": "String!", "data.addresses": "List!", **under("data.addresses[]", ADDRESS)}
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def app_body(**changes) -> dict:
    """``AddAddress.toMap`` minus ``id``, as the app sends it: empty strings, null coordinates, 1/0 default."""
    body = {
        "name": "Nadia Islam", "phone": "01711111111", "area": "Banani", "flat_no": "", "post_code": "1213",
        "address_line": "Road 11, House 3", "address_line2": "", "address_type": "Home",
        "latitude": None, "longitude": None, "is_default": 0,
    }
    body.update(changes)
    return body


def listed(api, token) -> list[dict]:
    response = api.get("/api/addresses", token=token)
    assert response.status == 200, response
    return response.json["data"]["addresses"]


def test_app_routes_store_list_update_and_delete_in_the_contract_types(api):
    # given a customer without addresses
    _, token = cf.customer()
    assert listed(api, token) == []
    # when the app stores an address
    stored = api.post("/api/address/store", json=app_body(is_default=1), token=token)
    # then it answers 200 with a message, and the list parses as AddAddress
    assert stored.status == 200, stored
    assert isinstance(stored.json["message"], str)
    listing = api.get("/api/addresses", token=token)
    assert_dart_types(listing.json, LIST_SPEC)
    [address] = listing.json["data"]["addresses"]
    assert address["is_default"] is True and address["latitude"] is None and address["flat_no"] == ""
    assert stored.json["data"]["address"] == address
    # when the app updates it with coordinates and clears the area
    updated = api.post(f"/api/address/{address['id']}/update", token=token,
                       json=app_body(area="", latitude=23.78, longitude="90.4", address_type="office", is_default=1))
    # then every field is replaced, coordinates come back as strings
    assert updated.status == 200, updated
    [address] = listed(api, token)
    assert address["area"] == "" and address["address_type"] == "Office"
    assert address["latitude"] == "23.78" and address["longitude"] == "90.4"
    assert_dart_types({"data": {"addresses": [address]}}, under("data.addresses[]", ADDRESS))
    # when the app deletes it
    deleted = api.delete(f"/api/address/{address['id']}/delete", token=token)
    # then it is gone and the answer carries a message and no data
    assert deleted.status == 200 and isinstance(deleted.json["message"], str) and "data" not in deleted.json
    assert listed(api, token) == []


def test_only_one_address_is_the_default_and_it_is_listed_first(api):
    # given a customer with a default home address
    _, token = cf.customer()
    home = api.post("/api/address/store", json=app_body(is_default=1), token=token).json["data"]["address"]
    # when a second address is stored as the default
    office = api.post("/api/address/store", json=app_body(address_type="Office", is_default=True), token=token)
    office = office.json["data"]["address"]
    # then it alone is the default, and comes first
    assert [(a["id"], a["is_default"]) for a in listed(api, token)] == [(office["id"], True), (home["id"], False)]
    # when the canonical route makes the home address the default again
    response = api.post(f"/api/addresses/{home['id']}/set-default", token=token)
    # then the default moved
    assert response.status == 200 and response.json["data"]["address"]["is_default"] is True
    assert [(a["id"], a["is_default"]) for a in listed(api, token)] == [(home["id"], True), (office["id"], False)]
    # and a non-default address stored later is listed after the default, newest first
    other = api.post("/api/address/store", json=app_body(address_type="other"), token=token).json["data"]["address"]
    assert [a["id"] for a in listed(api, token)] == [home["id"], other["id"], office["id"]]


def test_canonical_routes_match_the_app_routes(api):
    # given two customers, one using the app's routes and one the canonical ones
    _, app_token = cf.customer()
    _, rest_token = cf.customer()
    body = app_body(is_default=1, latitude="-33.86", longitude=151.2)
    # when each creates the same address
    app = api.post("/api/address/store", json=body, token=app_token)
    rest = api.post("/api/addresses", json=body, token=rest_token)
    # then the canonical route answers 201 and both carry the same address
    assert app.status == 200 and rest.status == 201, rest
    strip = lambda address: {k: v for k, v in address.items() if k != "id"}  # noqa: E731
    assert strip(app.json["data"]["address"]) == strip(rest.json["data"]["address"])
    # when each replaces it through its route
    changed = app_body(name="Nadia I.", is_default=0)
    app = api.post(f"/api/address/{app.json['data']['address']['id']}/update", json=changed, token=app_token)
    rest = api.put(f"/api/addresses/{rest.json['data']['address']['id']}", json=changed, token=rest_token)
    # then both answer the same change
    assert app.status == 200 and rest.status == 200, rest
    assert strip(app.json["data"]["address"]) == strip(rest.json["data"]["address"])
    assert rest.json["data"]["address"]["name"] == "Nadia I." and rest.json["data"]["address"]["is_default"] is False
    # when the canonical route deletes it
    response = api.delete(f"/api/addresses/{rest.json['data']['address']['id']}", token=rest_token)
    assert response.status == 200 and listed(api, rest_token) == []


def test_listing_is_paged_when_asked(api):
    # given a customer with three addresses
    _, token = cf.customer()
    for _ in range(3):
        api.post("/api/address/store", json=app_body(), token=token)
    # when the second page of two is asked for
    response = api.get("/api/addresses", params={"page": 2, "per_page": 2}, token=token)
    # then it holds the last one, and total counts all
    assert response.status == 200
    assert response.json["data"]["total"] == 3 and len(response.json["data"]["addresses"]) == 1


@pytest.mark.parametrize("changes, field", [
    ({"name": None}, "name"),
    ({"name": "   "}, "name"),
    ({"address_line": ""}, "address_line"),
    ({"phone": "01711-11111"}, "phone"),
    ({"phone": "0171"}, "phone"),
    ({"address_type": "Warehouse"}, "address_type"),
    ({"latitude": 91}, "latitude"),
    ({"longitude": "east"}, "longitude"),
    ({"is_default": 2}, "is_default"),
    ({"name": "x" * 121}, "name"),
])
def test_invalid_addresses_answer_422_with_field_errors(api, changes, field):
    # given a customer
    _, token = cf.customer()
    # when the app stores an address with one bad field
    response = api.post("/api/address/store", json=app_body(**changes), token=token)
    # then it is refused on that field, in the envelope without data, and nothing is stored
    assert response.status == 422, response
    assert field in response.json["errors"] and isinstance(response.json["message"], str)
    assert "data" not in response.json
    assert listed(api, token) == []


def test_address_routes_need_a_customer(api, seller_token):
    # given no token, then every route answers 401; given a seller's token, 403
    calls = [("GET", "/api/addresses"), ("POST", "/api/address/store"), ("POST", "/api/addresses"),
             ("POST", "/api/address/1/update"), ("DELETE", "/api/address/1/delete"), ("PUT", "/api/addresses/1"),
             ("DELETE", "/api/addresses/1"), ("POST", "/api/addresses/1/set-default")]
    for method, path in calls:
        body = app_body() if method in ("POST", "PUT") else None
        assert api.request(method, path, json=body).status == 401, path
        assert api.request(method, path, json=body, token=seller_token).status == 403, path


def test_another_customers_address_is_not_found_on_every_route(api):
    # given two customers, the first with an address
    owner, owner_token = cf.customer()
    _, other_token = cf.customer()
    mine = api.post("/api/address/store", json=app_body(is_default=1), token=owner_token).json["data"]["address"]
    path = f"/api/addresses/{mine['id']}"
    # when the second customer tries to change, default or delete it through either route set
    answers = [
        api.post(f"/api/address/{mine['id']}/update", json=app_body(name="Thief"), token=other_token),
        api.put(path, json=app_body(name="Thief"), token=other_token),
        api.post(f"{path}/set-default", token=other_token),
        api.delete(f"/api/address/{mine['id']}/delete", token=other_token),
        api.delete(path, token=other_token),
    ]
    # then each answers 404 without data, the second customer sees nothing, and the address is untouched
    assert [a.status for a in answers] == [404] * 5
    assert all("data" not in a.json for a in answers)
    assert listed(api, other_token) == []
    assert listed(api, owner_token) == [mine]
    with context.use(user=owner.id):
        assert Address.get_by_id(mine["id"]).name == "Nadia Islam"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only")
def test_row_level_security_hides_addresses_from_other_customers(api):
    # given a customer's address
    owner, token = cf.customer()
    other, _ = cf.customer()
    mine = api.post("/api/address/store", json=app_body(), token=token).json["data"]["address"]
    # when the database is asked without any filter, as the other customer and as nobody
    with context.use(user=other.id):
        seen_by_other = Address.select().where(Address.id == mine["id"]).exists()
    seen_by_nobody = Address.select().where(Address.id == mine["id"]).exists()
    # then it returns nothing; the owner sees it
    assert not seen_by_other and not seen_by_nobody
    with context.use(user=owner.id):
        assert Address.select().where(Address.id == mine["id"]).exists()


def test_demo_customer_has_seeded_addresses_with_one_default(api, customer_token):
    # given the demo phase ran, when the demo customer lists addresses
    addresses = listed(api, customer_token)
    # then they parse, and exactly one is the default, listed first
    assert_dart_types({"data": {"addresses": addresses}}, under("data.addresses[]", ADDRESS))
    assert len(addresses) >= 2 and [a["is_default"] for a in addresses].count(True) == 1
    assert addresses[0]["is_default"] is True
    user = User.get(User.email == "customer@qutekart.com")
    with context.use(user=user.id):
        assert Address.select().where(Address.user == user.id).count() == len(addresses)
