"""Schemathesis over the seller product, storefront-profile and banner routes as a seller of a fresh shop:
no server error, answers as documented."""

import secrets

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from conftest import BASE_DOMAIN, login_token_for


@pytest.fixture(scope="module")
def seller_schema(platform):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", platform.app)


@pytest.fixture(scope="module")
def fuzz_seller_token(api, platform):
    """A seller whose shop the fuzzer may fill and empty without touching the demo shops."""
    from kernel import db
    from plugins.tenants import services

    slug = f"fuzz{secrets.token_hex(3)}"
    email = f"{slug}@example.com"
    with db.transaction():
        services.create_shop(f"Fuzz {slug}", slug, "enterprise", {"name": "Fuzzer", "email": email, "password": "secret123"})
    return login_token_for(api, email)


schema = schemathesis.pytest.from_fixture("seller_schema").include(
    path_regex=r"^/api/seller/(products?|shop|shop-update|shop-setting-update|banners)(/|$)"
)

# A schema-valid body can still name a category or code that does not exist or is taken: that 422 is right.
# The product form also arrives as multipart, where every value is text, so numeric strings and 0/1
# switches are accepted on purpose (in JSON too): "negative" data of that kind is not an error.
SEMANTIC = [positive_data_acceptance, negative_data_rejection]


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_seller_catalog_and_banner_routes_conform(case, fuzz_seller_token):
    # given a generated request from the seller, when it is sent, then the answer is documented and no 5xx
    case.call_and_validate(
        headers={"Host": BASE_DOMAIN, "Authorization": f"Bearer {fuzz_seller_token}"}, excluded_checks=SEMANTIC
    )
