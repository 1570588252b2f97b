"""Schemathesis over the whole OpenAPI document: no server error, no response outside the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from conftest import BASE_DOMAIN, login_token_for


@pytest.fixture(scope="module")
def openapi_schema(platform):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", platform.app)


schema = schemathesis.pytest.from_fixture("openapi_schema")

# A schema-valid body can still name a plan or slug that does not exist: that 422 is right.
SEMANTIC = [positive_data_acceptance]


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_anonymously(case):
    # given a generated request without a token, when it is sent, then the answer is documented and no 5xx
    case.call_and_validate(headers={"Host": BASE_DOMAIN}, excluded_checks=SEMANTIC)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_with_token(case, api):
    # given a generated request from a fresh root token (logout and password routes may consume it)
    token = login_token_for(api, "root@qutekart.com")
    # when it is sent, then the answer is documented and no 5xx
    case.call_and_validate(
        headers={"Host": BASE_DOMAIN, "Authorization": f"Bearer {token}"}, excluded_checks=SEMANTIC
    )
