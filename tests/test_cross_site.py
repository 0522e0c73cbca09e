"""Browser pages cannot drive mockgw: cross-site requests to the control plane, the Lambda
API and ``/_mockgw/*`` are refused; localhost origins are served with CORS headers; the
admin token protects ``/_mockgw/*``."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest
import requests

from mockgw.mock import mock_apigateway
from mockgw.settings import Settings
from mockgw.testing import ServerProcess
from tests.conftest import Harness
from tests.helpers import mock_api

EVIL = "https://evil.example"
REFUSAL = ("mockgw refused a request from origin https://evil.example: browser pages may "
           "reach mockgw's control plane, Lambda API and admin endpoints only from localhost "
           "origins (see the allowed_origins and cross_origin_checks settings)")


def _function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 'ran'\n")
    return buffer.getvalue()


CREATE_FUNCTION = json.dumps({
    "FunctionName": "pwned", "Runtime": "python3.12", "Handler": "app.handler",
    "Role": "arn:aws:iam::123456789012:role/r",
    "Code": {"ZipFile": base64.b64encode(_function_zip()).decode()}})


def test_a_cross_site_simple_post_cannot_create_or_run_a_function(gw):
    """The attack: two text/plain POSTs (no preflight) from a web page."""
    simple = {"Origin": EVIL, "Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"}
    created = gw.raw("POST", "/2015-03-31/functions", data=CREATE_FUNCTION, headers=simple)
    assert created.status_code == 403
    assert created.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert created.json() == {"__type": "AccessDeniedException", "message": REFUSAL}
    assert gw.client("lambda").list_functions()["Functions"] == []

    gw.client("lambda").create_function(
        FunctionName="mine", Runtime="python3.12", Handler="app.handler",
        Role="arn:aws:iam::123456789012:role/r", Code={"ZipFile": _function_zip()})
    invoked = gw.raw("POST", "/2015-03-31/functions/mine/invocations", data="{}",
                     headers=simple)
    assert (invoked.status_code, invoked.json()["message"]) == (403, REFUSAL)


def test_the_admin_endpoints_refuse_cross_site_requests(gw):
    api_id = gw.client().create_rest_api(name="kept")["id"]
    wiped = gw.raw("POST", "/_mockgw/reset", headers={"Origin": EVIL})
    assert (wiped.status_code, wiped.json()["message"]) == (403, REFUSAL)
    read = gw.raw("GET", "/_mockgw/state", headers={"Origin": EVIL})
    assert read.status_code == 403
    assert gw.client().get_rest_api(restApiId=api_id)["name"] == "kept"


@pytest.mark.parametrize(("headers", "what"), [
    ({"Sec-Fetch-Site": "cross-site"}, "a cross-site request"),
    ({"Origin": "null"}, "a request from origin null"),
    ({"Origin": "http://evil.example:4566", "Host": "evil.example:4566"},  # DNS rebinding
     "a request from origin http://evil.example:4566"),
    ({"Origin": "file://"}, "a request from origin file://"),
])
def test_other_browser_requests_from_elsewhere_are_refused(gw, headers, what):
    answer = gw.raw("GET", "/restapis", headers=headers)
    assert answer.status_code == 403
    assert answer.json()["message"].startswith(f"mockgw refused {what}: ")


@pytest.mark.parametrize("origin", [
    "http://localhost:3000", "https://localhost", "http://127.0.0.1:8080",
    "http://app.localhost:5173", "http://[::1]:4566"])
def test_localhost_origins_are_served_with_cors_headers(gw, origin):
    gw.client().create_rest_api(name="seen")
    answer = gw.raw("GET", "/restapis", headers={"Origin": origin,
                                                  "Sec-Fetch-Site": "same-site"})
    assert answer.status_code == 200
    assert [api["name"] for api in answer.json()["item"]] == ["seen"]
    assert answer.headers["Access-Control-Allow-Origin"] == origin
    assert "x-amzn-RequestId" in answer.headers["Access-Control-Expose-Headers"]

    preflight = gw.raw("OPTIONS", "/2015-03-31/functions", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,x-amz-date,content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == (
        "authorization,x-amz-date,content-type")


def test_the_servers_own_origin_is_allowed_when_addressed_by_ip(gw):
    answer = gw.raw("GET", "/_mockgw/health", headers={
        "Origin": "http://192.168.1.5:4566", "Host": "192.168.1.5:4566"})
    assert (answer.status_code, answer.json()["status"]) == (200, "running")
    elsewhere = gw.raw("GET", "/_mockgw/health", headers={
        "Origin": "http://192.168.1.6:4566", "Host": "192.168.1.5:4566"})
    assert elsewhere.status_code == 403


def test_the_data_plane_keeps_each_apis_own_cors_behaviour(gw):
    client = gw.client()
    ids = mock_api(client, path="pets")
    client.create_deployment(restApiId=ids["api_id"], stageName="dev")
    answer = gw.http.get(gw.invoke_url(ids["api_id"], "dev", "/pets"),
                         headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}, timeout=10)
    assert (answer.status_code, answer.json()) == (200, {"ok": True})
    assert "Access-Control-Allow-Origin" not in answer.headers  # the API configured no CORS


@pytest.mark.parametrize(("settings", "allowed"), [
    (Settings(allowed_origins="https://dev.example.com, https://evil.example/"), True),
    (Settings(allowed_origins="*"), True),
    (Settings(cross_origin_checks=False), True),
    (Settings(allowed_origins="https://dev.example.com"), False),
])
def test_settings_allow_more_origins_or_turn_the_check_off(settings, allowed):
    with mock_apigateway(settings=settings) as mock:
        answer = Harness("inprocess", mock=mock).raw("GET", "/restapis",
                                                     headers={"Origin": EVIL})
    assert (answer.status_code == 200) is allowed
    if allowed and settings.cross_origin_checks:
        assert answer.headers["Access-Control-Allow-Origin"] == EVIL
    if not settings.cross_origin_checks:
        assert "Access-Control-Allow-Origin" not in answer.headers


def test_the_admin_token_protects_every_admin_endpoint():
    with ServerProcess(env={"MOCKGW_ADMIN_TOKEN": "s3cret"}) as server:
        base = server.url
        assert requests.get(f"{base}/_mockgw/health", timeout=5).json() == {
            "status": "running"}
        for method, path in [("POST", "/_mockgw/reset"), ("GET", "/_mockgw/state"),
                             ("GET", "/_mockgw/requests")]:
            refused = requests.request(method, base + path, timeout=5)
            assert refused.status_code == 401, path
            assert "admin token" in refused.json()["message"]
        wrong = requests.post(f"{base}/_mockgw/reset", timeout=5,
                              headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        for headers in ({"Authorization": "Bearer s3cret"}, {"X-Mockgw-Admin-Token": "s3cret"}):
            assert requests.post(f"{base}/_mockgw/reset", headers=headers,
                                 timeout=5).json() == {"reset": True}
        full = requests.get(f"{base}/_mockgw/health", timeout=5,
                            headers={"Authorization": "Bearer s3cret"}).json()
        assert full["version"] and "services" in full
        # the control plane is not behind the token (SDKs sign with AWS credentials)
        assert requests.get(f"{base}/restapis", timeout=5).status_code == 200
