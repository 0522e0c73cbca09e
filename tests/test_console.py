"""The web console through Flask's test client: every page, every action (through the
control-plane handlers, so boto3 sees the change), errors shown on the page, the admin
guard (cross-site refusals, the admin token and the console's sign-in)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import flask
import pytest
import requests

from mockgw import create_app
from mockgw.app import front_of, instance_of
from mockgw.mock import mock_apigateway
from mockgw.settings import Settings
from mockgw.testing import ServerProcess
from tests.console_support import ACCOUNT, BASE, REGION, client, notice, pets_api, text

EVIL = "https://evil.example"


@pytest.fixture
def mock() -> Iterator[mock_apigateway]:
    with mock_apigateway(settings=Settings(seed=7)) as started:
        yield started


@pytest.fixture
def web(mock: mock_apigateway) -> flask.testing.FlaskClient:
    return mock.app.test_client()


def page(web: flask.testing.FlaskClient, path: str, status: int = 200) -> str:
    answer = web.get(path)
    assert answer.status_code == status, answer.get_data(as_text=True)[:2000]
    assert answer.mimetype == "text/html"
    return answer.get_data(as_text=True)


def act(web: flask.testing.FlaskClient, path: str, data: dict | None = None) -> str:
    """POST a console action as a same-origin browser would; the page it leads to."""
    answer = web.post(path, data=data or {}, headers={"Origin": "http://localhost"})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    return page(web, answer.headers["Location"])


# -- the front page -------------------------------------------------------------------------

def test_the_front_page_invites_to_create_an_api_when_there_is_none(web):
    shown = text(page(web, "/_mockgw/console/"))
    assert "Nothing here yet" in shown
    assert 'apigw.create_rest_api(name="pets")' in shown


def test_the_front_page_lists_every_account_and_region(mock, web):
    apigw = client()
    rest = pets_api(apigw, canary=None)["api_id"]
    v2 = client("apigatewayv2")
    http = v2.create_api(Name="orders", ProtocolType="HTTP")["ApiId"]
    chat = v2.create_api(Name="chat", ProtocolType="WEBSOCKET",
                         RouteSelectionExpression="$request.body.action")["ApiId"]
    regional = client(region="eu-west-1", access_key="111122223333").create_rest_api(
        name="elsewhere", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    apigw.create_domain_name(domainName="api.example.com", regionalCertificateArn=(
        "arn:aws:acm:us-east-1:123456789012:certificate/abc"),
        endpointConfiguration={"types": ["REGIONAL"]})
    apigw.create_base_path_mapping(domainName="api.example.com", restApiId=rest, stage="prod",
                                   basePath="v1")
    key = apigw.create_api_key(name="ci-key", enabled=True, value="k" * 30)["id"]
    plan = apigw.create_usage_plan(name="basic", apiStages=[{"apiId": rest, "stage": "prod"}],
                                   throttle={"rateLimit": 10.0, "burstLimit": 20},
                                   quota={"limit": 1000, "period": "DAY"})["id"]

    html = page(web, "/_mockgw/console/")
    shown = text(html)
    assert "Account 123456789012 · us-east-1" in shown
    assert "Account 111122223333 · eu-west-1" in shown
    assert f"pets {rest} REST EDGE" in shown
    assert f"orders {http} HTTP REGIONAL" in shown
    assert f"chat {chat} WEBSOCKET REGIONAL" in shown
    assert f"elsewhere {regional} REST REGIONAL" in shown
    created = client().get_rest_api(restApiId=rest)["createdDate"]
    assert created.strftime("%Y-%m-%d %H:%M:%S UTC") in shown
    assert f'href="{BASE}/restapis/{rest}"' in html
    assert f'href="{BASE}/apis/{http}"' in html
    assert f'href="/_mockgw/console/111122223333/eu-west-1/restapis/{regional}"' in html
    assert "api.example.com REGIONAL" in shown
    assert f"/v1 → {rest} / prod" in shown
    assert f"ci-key {key} yes" in shown and "k" * 30 in shown
    assert f"basic {plan} {rest} / prod 10.0 req/s, burst 20 1000 per day" in shown


def test_pages_escape_what_users_named_and_forbid_scripts_from_elsewhere(web):
    client().create_rest_api(name="<script>alert(1)</script>")
    answer = web.get("/_mockgw/console/")
    body = answer.get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    for asset, kind in (("console.css", "text/css"), ("console.js", "text/javascript")):
        served = web.get(f"/_mockgw/console/static/{asset}")
        assert served.status_code == 200 and served.mimetype == kind
        assert b"http://" not in served.data and b"https://" not in served.data  # no CDN


# -- a REST API -----------------------------------------------------------------------------

def test_a_rest_api_page_shows_its_tree_stages_and_parts(web):
    apigw = client()
    ids = pets_api(apigw)
    api_id = ids["api_id"]
    function = "arn:aws:lambda:us-east-1:123456789012:function:auth"
    apigw.create_authorizer(restApiId=api_id, name="tokens", type="TOKEN",
                            identitySource="method.request.header.Authorization",
                            authorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31"
                                          f"/functions/{function}/invocations",
                            authorizerResultTtlInSeconds=60)
    apigw.create_model(restApiId=api_id, name="Pet", contentType="application/json",
                       schema='{"type": "object", "required": ["name"]}')
    apigw.create_request_validator(restApiId=api_id, name="body-only",
                                   validateRequestBody=True, validateRequestParameters=False)
    apigw.put_gateway_response(restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN",
                               statusCode="404",
                               responseTemplates={"application/json": '{"gone": true}'})

    html = page(web, f"{BASE}/restapis/{api_id}")
    shown = text(html)
    assert f"pets REST {api_id}" in shown
    assert "The pet store" in shown
    assert shown.index("/pets GET") < shown.index("/{petId} GET")
    for resource in (ids["pets"], ids["pet"]):
        assert f'href="{BASE}/restapis/{api_id}/resources/{resource}/methods/GET"' in html
    assert f"prod {ids['first']} 25.0% → {ids['second']}" in shown
    assert f"{ids['second']}" in shown and "second" in shown and "first" in shown
    assert "tokens" in shown and "TOKEN" in shown and "method.request.header.Authorization" in shown
    assert function in shown and "60 s" in shown
    assert "Pet application/json" in shown and '"required": [' in shown
    assert "body-only" in shown
    assert "MISSING_AUTHENTICATION_TOKEN 404" in shown and '{"gone": true}' in shown
    assert "The other 20 are API Gateway's defaults." in shown


def test_a_method_page_shows_its_execution_flow(web):
    apigw = client()
    api = apigw.create_rest_api(name="flows")
    api_id = api["id"]
    orders = apigw.create_resource(restApiId=api_id, parentId=api["rootResourceId"],
                                   pathPart="orders")["id"]
    function = "arn:aws:lambda:us-east-1:123456789012:function:auth"
    authorizer = apigw.create_authorizer(
        restApiId=api_id, name="tokens", type="TOKEN",
        identitySource="method.request.header.Authorization",
        authorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                      f"{function}/invocations")["id"]
    validator = apigw.create_request_validator(restApiId=api_id, name="everything",
                                               validateRequestBody=True,
                                               validateRequestParameters=True)["id"]
    apigw.put_method(restApiId=api_id, resourceId=orders, httpMethod="POST",
                     authorizationType="CUSTOM", authorizerId=authorizer, apiKeyRequired=True,
                     requestValidatorId=validator,
                     requestParameters={"method.request.header.X-Trace": True},
                     requestModels={"application/json": "Empty"})
    apigw.put_integration(restApiId=api_id, resourceId=orders, httpMethod="POST", type="HTTP",
                          integrationHttpMethod="PUT", uri="https://backend.example/orders",
                          requestParameters={"integration.request.header.X-Trace":
                                             "method.request.header.X-Trace"},
                          requestTemplates={"application/json": '{"order": $input.json("$")}'})
    apigw.put_method_response(restApiId=api_id, resourceId=orders, httpMethod="POST",
                              statusCode="201",
                              responseParameters={"method.response.header.Location": True})
    apigw.put_method_response(restApiId=api_id, resourceId=orders, httpMethod="POST",
                              statusCode="400")
    apigw.put_integration_response(restApiId=api_id, resourceId=orders, httpMethod="POST",
                                   statusCode="201", responseParameters={
                                       "method.response.header.Location":
                                       "integration.response.header.Location"})
    apigw.put_integration_response(restApiId=api_id, resourceId=orders, httpMethod="POST",
                                   statusCode="400", selectionPattern="4\\d{2}",
                                   responseTemplates={"application/json": '{"bad": true}'})

    shown = text(page(web, f"{BASE}/restapis/{api_id}/resources/{orders}/methods/POST"))
    method_request = shown[shown.index("1 Method request"):shown.index("2 Integration request")]
    assert "Authorization CUSTOM" in method_request
    assert "Authorizer tokens (TOKEN)" in method_request
    assert "API key required yes" in method_request
    assert "Request validator everything" in method_request
    assert "method.request.header.X-Trace yes" in method_request
    assert "application/json Empty" in method_request
    integration_request = shown[shown.index("2 Integration request"):
                                shown.index("3 Integration")]
    assert "Type HTTP HTTP method PUT URI https://backend.example/orders" in integration_request
    assert ("integration.request.header.X-Trace method.request.header.X-Trace"
            in integration_request)
    assert '{"order": $input.json("$")}' in integration_request
    assert "PUT https://backend.example/orders" in shown[shown.index("3 Integration"):]
    responses = shown[shown.index("4 Integration response"):shown.index("5 Method response")]
    assert "201 default" in responses and "400 when 4\\d{2}" in responses
    assert "method.response.header.Location integration.response.header.Location" in responses
    assert '{"bad": true}' in responses
    method_response = shown[shown.index("5 Method response"):shown.index("Client response")]
    assert "201 Header Required method.response.header.Location yes" in method_response
    assert "400" in method_response


def test_the_test_panel_runs_test_invoke_method(web):
    ids = pets_api(client())
    path = f"{BASE}/restapis/{ids['api_id']}/resources/{ids['pets']}/methods/GET/test"
    form = {"path": "/pets", "query": "q=cats", "headers": "X-Who: ada\nAccept: */*",
            "variables": "v=tested", "body": "hello"}
    answer = web.post(path, data=form, headers={"Accept": "application/json",
                                                "Origin": "http://localhost"})
    assert answer.status_code == 200
    result = answer.json
    assert result["status"] == 200
    assert json.loads(result["body"]) == {"stage": "tested", "q": "cats", "who": "ada"}
    assert result["headers"]["X-Stage"] == ["tested"]
    assert result["log"].startswith("Execution log for request ")
    assert "Method request query string: {q=cats}" in result["log"]
    assert "Method request body before transformations: hello" in result["log"]
    assert "Method completed with status: 200" in result["log"]
    assert isinstance(result["latency"], int)

    # without JavaScript: the form posts and the method page shows the result
    answer = web.post(path, data=form, headers={"Origin": "http://localhost"})
    assert answer.status_code == 200
    shown = text(answer.get_data(as_text=True))
    assert "Status 200 · Latency" in shown
    assert '"who": "ada"' in shown
    assert "Method completed with status: 200" in shown
    assert 'value="q=cats"' in answer.get_data(as_text=True)  # the form keeps what was sent

    # the test ran the live definition: no data-plane request was recorded
    assert web.get("/_mockgw/requests").json == {"requests": []}


def test_the_test_panel_shows_refusals_and_unreadable_input(web):
    ids = pets_api(client())
    path = f"{BASE}/restapis/{ids['api_id']}/resources/{ids['pets']}/methods/GET/test"
    bad = web.post(path, data={"path": "/pets", "headers": "no colon here"},
                   headers={"Accept": "application/json"})
    assert bad.status_code == 200
    assert bad.json == {"error": "Cannot read 'no colon here': headers take 'Name: value' "
                                 "lines"}
    client().delete_method(restApiId=ids["api_id"], resourceId=ids["pets"], httpMethod="GET")
    gone = web.post(path, data={"path": "/pets"}, headers={"Accept": "application/json"})
    assert gone.json == {"error": "NotFoundException: Invalid Method identifier specified"}
    gone = web.post(path, data={"path": "/pets"})  # without JavaScript: the method is gone
    assert gone.status_code == 404
    assert "Invalid Method identifier specified" in text(gone.get_data(as_text=True))


def test_unknown_things_answer_pages_that_say_so(web):
    ids = pets_api(client(), canary=None)
    api_id = ids["api_id"]
    shown = text(page(web, f"{BASE}/restapis/nope", 404))
    assert "Invalid API identifier specified" in shown
    shown = text(page(web, f"{BASE}/restapis/{api_id}/stages/nope", 404))
    assert "Invalid stage identifier specified" in shown
    shown = text(page(web, f"{BASE}/restapis/{api_id}/resources/{ids['pets']}/methods/PUT",
                      404))
    assert "Invalid Method identifier specified" in shown
    shown = text(page(web, "/_mockgw/console/999999999999/us-east-1/restapis/x", 404))
    assert "Nothing was ever created in account 999999999999, region us-east-1" in shown
    assert "No recent request abc" in text(page(web, f"{BASE}/requests/abc", 404))
    assert "Invalid API identifier specified" in text(page(web, f"{BASE}/apis/nope", 404))
    assert "The console has no page at /_mockgw/console/nowhere/at/all" in text(
        page(web, "/_mockgw/console/nowhere/at/all", 404))


# -- stages: settings, canary, rollback, invoke URLs ------------------------------------------

def test_a_stage_page_shows_settings_canary_history_and_invoke_urls(web):
    apigw = client()
    ids = pets_api(apigw)
    api_id = ids["api_id"]
    apigw.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/cacheClusterEnabled", "value": "true"},
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "50"},
        {"op": "replace", "path": "/~1pets/GET/caching/enabled", "value": "true"}])
    apigw.create_domain_name(domainName="api.example.com", regionalCertificateArn=(
        "arn:aws:acm:us-east-1:123456789012:certificate/abc"),
        endpointConfiguration={"types": ["REGIONAL"]})
    apigw.create_base_path_mapping(domainName="api.example.com", restApiId=api_id,
                                   stage="prod", basePath="v1")

    html = page(web, f"{BASE}/restapis/{api_id}/stages/prod")
    shown = text(html)
    assert f"Deployment {ids['first']}" in shown
    assert "Cache cluster enabled, 0.5 GB (AVAILABLE)" in shown
    assert "Stage variables Name Value v one" in shown
    assert f"Canary deployment {ids['second']} Share of requests 25.0%" in shown
    assert "Stage variable overrides Name Value v two" in shown
    assert "*/* OFF no no 50.0 / 5000 no 300 s" in shown
    assert "/pets/GET OFF no no 50.0 / 5000 yes 300 s" in shown
    history = text(html[html.index('id="deployments"'):html.index('id="live"')])
    assert history.index(ids["second"]) < history.index(ids["first"])
    assert f"{ids['second']}" in history and "canary 25.0%" in history
    assert "Serve this" in history and "stage" in history
    host = "localhost"
    for url in (f"http://{api_id}.execute-api.localhost/prod/",
                f"http://{host}/restapis/{api_id}/prod/_user_request_/",
                f"http://{host}/_aws/execute-api/{api_id}/prod/",
                f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/",
                f"curl -H 'Host: api.example.com' http://{host}/v1/"):
        assert url in shown
        assert f'data-copy="{url}"' in html.replace("&#39;", "'")
    # the invoke URLs this server serves answer
    assert web.get(f"/restapis/{api_id}/prod/_user_request_/pets").status_code == 200
    assert web.get(f"/_aws/execute-api/{api_id}/prod/pets").status_code == 200
    assert web.get("/v1/pets", headers={"Host": "api.example.com"}).status_code == 200


def test_promoting_the_canary_goes_through_update_stage(web):
    apigw = client()
    ids = pets_api(apigw)
    api_id = ids["api_id"]
    after = act(web, f"{BASE}/restapis/{api_id}/stages/prod/promote")
    assert notice(after) == ("ok", "Canary promoted: the stage serves the canary's deployment "
                                   "and stage variables; canary traffic is now 0%")
    stage = apigw.get_stage(restApiId=api_id, stageName="prod")
    assert stage["deploymentId"] == ids["second"]
    assert stage["variables"] == {"v": "two"}
    assert stage["canarySettings"]["percentTraffic"] == 0.0
    assert f"Deployment {ids['second']}" in text(after)
    assert "Share of requests 0.0%" in text(after)
    assert requests.get(f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/pets",
                        timeout=10).headers["X-Stage"] == "two"


def test_promoting_without_a_canary_shows_aws_refusal(web):
    apigw = client()
    ids = pets_api(apigw, canary=None)
    after = act(web, f"{BASE}/restapis/{ids['api_id']}/stages/prod/promote")
    assert notice(after) == ("error", "BadRequestException: Promotion not available. Canary "
                                      "does not exist.")
    stage = apigw.get_stage(restApiId=ids["api_id"], stageName="prod")
    assert "canarySettings" not in stage and stage["deploymentId"] == ids["first"]


def test_rolling_back_points_the_stage_at_an_older_deployment(web):
    apigw = client()
    ids = pets_api(apigw, canary=None)
    api_id = ids["api_id"]
    newer = apigw.create_deployment(restApiId=api_id, stageName="prod")["id"]
    html = page(web, f"{BASE}/restapis/{api_id}/stages/prod")
    assert "Roll back to this" in html
    after = act(web, f"{BASE}/restapis/{api_id}/stages/prod/rollback",
                {"deploymentId": ids["first"]})
    assert notice(after) == ("ok", f"The stage now serves deployment {ids['first']}")
    assert apigw.get_stage(restApiId=api_id, stageName="prod")["deploymentId"] == ids["first"]
    assert "Serve this" in after  # the newer one is now ahead of the stage
    after = act(web, f"{BASE}/restapis/{api_id}/stages/prod/rollback", {"deploymentId": "nope"})
    assert notice(after) == ("error", "BadRequestException: Deployment id does not exist")
    assert apigw.get_stage(restApiId=api_id, stageName="prod")["deploymentId"] == ids["first"]
    assert newer in after


def test_the_canary_can_be_created_resized_and_removed(web):
    apigw = client()
    ids = pets_api(apigw, canary=None)
    api_id = ids["api_id"]
    path = f"{BASE}/restapis/{api_id}/stages/prod/canary"
    assert notice(act(web, path, {"percentTraffic": "10"})) == (
        "ok", "Canary traffic set to 10%")
    canary = apigw.get_stage(restApiId=api_id, stageName="prod")["canarySettings"]
    assert canary == {"deploymentId": ids["first"], "percentTraffic": 10.0,
                      "useStageCache": False}
    kind, message = notice(act(web, path, {"percentTraffic": "150"}))
    assert (kind, message) == ("error", "BadRequestException: Canary traffic percentage must "
                                        "be between 0.0 and 100.0")
    kind, message = notice(act(web, path, {"percentTraffic": "lots"}))
    assert kind == "error" and message.startswith("BadRequestException: ")
    assert apigw.get_stage(restApiId=api_id, stageName="prod")["canarySettings"][
        "percentTraffic"] == 10.0
    assert notice(act(web, path, {"remove": "1"})) == (
        "ok", "Canary removed: the stage serves all traffic")
    assert "canarySettings" not in apigw.get_stage(restApiId=api_id, stageName="prod")


# -- the request log, metrics and execution logs ---------------------------------------------

def test_the_request_log_and_metrics_show_what_the_stage_served(mock, web):
    apigw = client()
    ids = pets_api(apigw, canary=100.0)
    api_id = ids["api_id"]
    url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod"
    assert requests.get(f"{url}/pets?q=1", timeout=10).status_code == 200
    assert requests.get(f"{url}/nothing", timeout=10).status_code == 403
    apigw.update_stage(restApiId=api_id, stageName="prod", patchOperations=[
        {"op": "remove", "path": "/canarySettings"}])
    assert requests.get(f"{url}/pets/7", timeout=10).status_code == 200

    html = page(web, f"{BASE}/restapis/{api_id}/stages/prod")
    log = text(html[html.index('id="requests"'):])
    rows = log[log.index("Error") + len("Error"):]
    assert rows.index("/prod/pets/7") < rows.index("/prod/nothing") < rows.index("/prod/pets ")
    assert "/prod/pets/7 /pets/{petId} 200" in rows
    assert f"{ids['first']} none" in rows
    assert "403" in rows and "Missing Authentication Token" in rows
    assert f"{ids['second']} canary none" in rows
    metrics = text(html[html.index('id="metrics"'):html.index('id="requests"')])
    assert "Production 1 0 0 0 0" in metrics
    assert "Canary 2 1 0 0 0" in metrics
    assert html.count('<rect x="') >= 3 + 2  # 3 latency bars, count segments
    assert "p50" in metrics
    recent = web.get("/_mockgw/requests").json["requests"]
    for found in recent:
        assert f'href="{BASE}/requests/{found["requestId"]}"' in html

    live = web.get(f"{BASE}/restapis/{api_id}/stages/prod/live")
    assert live.status_code == 200
    fragment = live.get_data(as_text=True)
    assert "<html" not in fragment and 'id="requests"' in fragment
    assert "/prod/pets/7" in fragment


def test_a_recent_request_shows_request_response_and_execution_log(web):
    apigw = client()
    ids = pets_api(apigw, canary=None)
    api_id = ids["api_id"]
    url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/pets?q=before"
    requests.get(url, headers={"X-Who": "ada"}, timeout=10)
    (before,) = web.get("/_mockgw/requests").json["requests"]
    shown = text(page(web, f"{BASE}/requests/{before['requestId']}"))
    assert "GET /prod/pets 200" in shown
    assert f"Deployment {ids['first']}" in shown
    assert "X-Who ada" in shown
    assert "GET /prod/pets?q=before" in shown
    assert '"who": "ada"' in shown and '"q": "before"' in shown
    assert "X-Stage one" in shown
    assert "API Gateway writes execution logs for stages whose logging level is INFO" in shown

    after = act(web, f"{BASE}/restapis/{api_id}/stages/prod/logging", {"loggingLevel": "INFO"})
    assert notice(after) == ("ok", "Execution logging is now INFO for every method")
    setting = apigw.get_stage(restApiId=api_id, stageName="prod")["methodSettings"]["*/*"]
    assert setting["loggingLevel"] == "INFO"
    requests.post(f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/pets",
                  data="hi", timeout=10)
    requests.get(url.replace("before", "after"), timeout=10)
    newest, refused, _ = web.get("/_mockgw/requests").json["requests"]
    shown = text(page(web, f"{BASE}/requests/{newest['requestId']}"))
    log = shown[shown.index("Execution log"):]
    assert f"Starting execution for request: {newest['requestId']}" in log
    assert "HTTP Method: GET, Resource Path: /pets" in log
    assert "Method request query string: {q=after}" in log
    assert "Method completed with status: 200" in log
    shown = text(page(web, f"{BASE}/requests/{refused['requestId']}"))
    assert "Missing Authentication Token" in shown

    after = act(web, f"{BASE}/restapis/{api_id}/stages/prod/logging", {"loggingLevel": "LOUD"})
    assert notice(after) == ("error", "BadRequestException: Invalid value 'LOUD' for "
                                      "/*/*/logging/loglevel. Must be one of: [OFF, ERROR, INFO]")


def test_the_request_log_shows_the_authorizer_decision(mock, web):
    def authorizer(event, context):
        token = event["authorizationToken"]
        if token == "nobody":
            raise Exception("Unauthorized")
        effect = "Deny" if token == "mallory" else "Allow"
        return {"principalId": token, "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}]}}

    arn = mock.register_function("auth", authorizer)["FunctionArn"]
    apigw = client()
    ids = pets_api(apigw, canary=None)
    api_id = ids["api_id"]
    authorizer_id = apigw.create_authorizer(
        restApiId=api_id, name="tokens", type="TOKEN",
        identitySource="method.request.header.Authorization", authorizerResultTtlInSeconds=0,
        authorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}"
                      "/invocations")["id"]
    apigw.update_method(restApiId=api_id, resourceId=ids["pets"], httpMethod="GET",
                        patchOperations=[
                            {"op": "replace", "path": "/authorizationType", "value": "CUSTOM"},
                            {"op": "replace", "path": "/authorizerId", "value": authorizer_id}])
    latest = apigw.create_deployment(restApiId=api_id, stageName="prod")["id"]
    url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/pets"
    statuses = [requests.get(url, headers={"Authorization": who}, timeout=10).status_code
                for who in ("ada", "mallory", "nobody")]
    assert statuses == [200, 403, 401]

    html = page(web, f"{BASE}/restapis/{api_id}/stages/prod")
    rows = [text(row).split(" ms ", 1)[1] for row in
            re.findall(r"<tr>(.*?)</tr>", html[html.index('id="requests"'):], re.S)[1:]]
    assert rows == [  # newest first: deployment, authorizer, error message
        f"{latest} DENY CUSTOM · UNAUTHORIZED Unauthorized",
        f"{latest} DENY CUSTOM · ACCESS_DENIED User is not authorized to access this resource "
        "with an explicit deny in an identity-based policy",
        f"{latest} ALLOW CUSTOM · ada"]
    allowed = web.get("/_mockgw/requests").json["requests"][-1]
    assert allowed["authorizer"] == {"type": "CUSTOM", "decision": "ALLOW", "principalId": "ada"}
    assert "Authorizer CUSTOM: ALLOW · principal ada" in text(
        page(web, f"{BASE}/requests/{allowed['requestId']}"))


# -- HTTP and WebSocket APIs ------------------------------------------------------------------

def test_an_http_api_shows_routes_integrations_authorizers_and_stages(web):
    v2 = client("apigatewayv2")
    api_id = v2.create_api(Name="orders", ProtocolType="HTTP")["ApiId"]
    integration = v2.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY",
                                        IntegrationMethod="GET",
                                        IntegrationUri="https://backend.example/orders",
                                        PayloadFormatVersion="1.0")["IntegrationId"]
    authorizer = v2.create_authorizer(ApiId=api_id, Name="jwt", AuthorizerType="JWT",
                                      IdentitySource=["$request.header.Authorization"],
                                      JwtConfiguration={"Issuer": "https://issuer.example",
                                                        "Audience": ["orders"]})["AuthorizerId"]
    v2.create_route(ApiId=api_id, RouteKey="GET /orders/{id}",
                    Target=f"integrations/{integration}", AuthorizationType="JWT",
                    AuthorizerId=authorizer)
    v2.create_route(ApiId=api_id, RouteKey="$default", Target=f"integrations/{integration}")
    v2.create_stage(ApiId=api_id, StageName="live", AutoDeploy=True,
                    StageVariables={"color": "blue"},
                    DefaultRouteSettings={"ThrottlingRateLimit": 5.0,
                                          "ThrottlingBurstLimit": 10})

    html = page(web, f"{BASE}/apis/{api_id}")
    shown = text(html)
    assert f"orders HTTP {api_id}" in shown
    routes = shown[shown.index("Routes"):shown.index("Integrations")]
    assert routes.index("GET /orders/{id}") < routes.index("$default")
    assert "JWT · jwt" in routes
    assert "HTTP_PROXY https://backend.example/orders" in routes
    assert f'href="#integration-{integration}"' in html
    integrations = shown[shown.index("Integrations"):shown.index("Authorizers")]
    assert "URI https://backend.example/orders Method GET Payload format 1.0" in integrations
    assert "issuer https://issuer.example , audience orders" in shown
    assert f'href="{BASE}/apis/{api_id}/stages/live"' in html

    stage = text(page(web, f"{BASE}/apis/{api_id}/stages/live"))
    assert "Auto-deploy yes" in stage
    assert "Throttling (rate / burst) 5.0 / 10" in stage
    assert "Stage variables Name Value color blue" in stage
    for url in (f"http://{api_id}.execute-api.localhost/live/",
                f"http://localhost/_aws/execute-api/{api_id}/live/",
                f"https://{api_id}.execute-api.us-east-1.amazonaws.com/live/"):
        assert url in stage


def test_an_http_api_stage_logs_requests_and_rolls_back(mock, web):
    mock.register_function("hello", lambda event, context: {"statusCode": 200, "body": "hi"})
    v2 = client("apigatewayv2")
    api_id = v2.create_api(
        Name="hello", ProtocolType="HTTP",
        Target="arn:aws:lambda:us-east-1:123456789012:function:hello")["ApiId"]
    url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/"
    assert requests.get(url + "anything", timeout=10).text == "hi"
    html = page(web, f"{BASE}/apis/{api_id}/stages/$default")
    shown = text(html[html.index('id="requests"'):])
    assert "GET /anything $default 200" in shown
    assert "Production 1 0 0" in text(html)
    live = web.get(f"{BASE}/apis/{api_id}/stages/$default/live").get_data(as_text=True)
    assert "/anything" in live and "<html" not in live
    (request,) = web.get("/_mockgw/requests").json["requests"]
    detail = text(page(web, f"{BASE}/requests/{request['requestId']}"))
    assert "hello \u203a Stage $default \u203a Request" in detail
    assert "Route $default" in detail and "Body hi" in detail
    assert "HTTP APIs write access logs only, no execution logs." in detail
    assert web.head(f"{BASE}/apis/{api_id}/stages/$default").status_code == 200

    first = v2.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"]
    v2.update_api(ApiId=api_id, Description="again")  # the auto-deployed stage deploys again
    second = v2.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"]
    assert second != first
    after = act(web, f"{BASE}/apis/{api_id}/stages/$default/rollback", {"deploymentId": first})
    assert notice(after) == ("ok", f"The stage now serves deployment {first}")
    assert v2.get_stage(ApiId=api_id, StageName="$default")["DeploymentId"] == first
    after = act(web, f"{BASE}/apis/{api_id}/stages/$default/rollback", {"deploymentId": "zzz"})
    assert notice(after) == ("error", "NotFoundException: Invalid Deployment identifier "
                                      "specified zzz")


def test_a_websocket_api_shows_routes_and_says_whether_connections_are_listed(web):
    v2 = client("apigatewayv2")
    api_id = v2.create_api(Name="chat", ProtocolType="WEBSOCKET",
                           RouteSelectionExpression="$request.body.action")["ApiId"]
    integration = v2.create_integration(ApiId=api_id, IntegrationType="MOCK",
                                        RequestTemplates={"$default": '{"statusCode": 200}'},
                                        TemplateSelectionExpression="\\$default")["IntegrationId"]
    v2.create_integration_response(ApiId=api_id, IntegrationId=integration,
                                   IntegrationResponseKey="$default",
                                   ResponseTemplates={"$default": '{"pong": true}'})
    route = v2.create_route(ApiId=api_id, RouteKey="ping", Target=f"integrations/{integration}",
                            RouteResponseSelectionExpression="$default")["RouteId"]
    v2.create_route_response(ApiId=api_id, RouteId=route, RouteResponseKey="$default")
    v2.create_route(ApiId=api_id, RouteKey="$connect", ApiKeyRequired=True)
    v2.create_stage(ApiId=api_id, StageName="prod")

    shown = text(page(web, f"{BASE}/apis/{api_id}"))
    assert f"chat WEBSOCKET {api_id}" in shown
    assert "Route selection expression $request.body.action" in shown
    routes = shown[shown.index("Routes"):shown.index("Integrations")]
    assert routes.index("ping") < routes.index("$connect")
    assert "ping" in routes and "$default" in routes and "MOCK" in routes
    assert '{"pong": true}' in shown
    stage = text(page(web, f"{BASE}/apis/{api_id}/stages/prod"))
    assert f"wss://{api_id}.execute-api.us-east-1.amazonaws.com/prod" in stage
    assert "Connections" in stage


def test_a_websocket_stage_lists_its_live_connections():
    """A real client connected to a deployed WebSocket API shows on its stage's page, with
    the URL it connected to (the listener's) among the stage's URLs."""
    from websockets.sync.client import connect

    with mock_apigateway() as mock:
        v2 = client("apigatewayv2")
        api = v2.create_api(Name="chat", ProtocolType="WEBSOCKET",
                            RouteSelectionExpression="$request.body.action")
        integration = v2.create_integration(ApiId=api["ApiId"], IntegrationType="MOCK",
                                            RequestTemplates={"$default": '{"statusCode": 200}'},
                                            TemplateSelectionExpression="$default")
        v2.create_route(ApiId=api["ApiId"], RouteKey="$default",
                        Target=f"integrations/{integration['IntegrationId']}")
        v2.create_stage(ApiId=api["ApiId"], StageName="prod")
        v2.create_deployment(ApiId=api["ApiId"], StageName="prod")
        url = mock.websocket_url(api["ApiId"], "prod")
        web = mock.app.test_client()
        page = f"{BASE}/apis/{api['ApiId']}/stages/prod"
        with connect(url, user_agent_header="console-test/1"):
            (listed,) = mock.instance.service(
                "execute.websocket.connections", lambda _: None).listing(api_id=api["ApiId"])
            shown = text(web.get(page).get_data(as_text=True))
            assert f"{listed['connectionId']} {api['ApiId']} prod {ACCOUNT} {REGION}" in shown
            assert " OPEN " in shown and url in shown
        deadline = time.monotonic() + 10  # the server notices the close on its own loop
        while " CLOSED " not in text(web.get(page).get_data(as_text=True)):
            assert time.monotonic() < deadline, "the closed connection never showed"
            time.sleep(0.01)  # polling the page, not waiting blindly


# -- the guard: cross-site requests and the admin token --------------------------------------

@pytest.mark.parametrize("headers", [{"Origin": EVIL},
                                     {"Sec-Fetch-Site": "cross-site"},
                                     {"Origin": "null"}])
def test_cross_site_posts_to_console_actions_are_refused(web, headers):
    apigw = client()
    ids = pets_api(apigw)
    answer = web.post(f"{BASE}/restapis/{ids['api_id']}/stages/prod/promote", headers=headers)
    assert answer.status_code == 403
    assert answer.json["__type"] == "AccessDeniedException"
    assert apigw.get_stage(restApiId=ids["api_id"], stageName="prod")["deploymentId"] == \
        ids["first"]
    read = web.get("/_mockgw/console/", headers=headers)
    assert read.status_code == 403


@pytest.fixture
def guarded() -> Iterator[flask.testing.FlaskClient]:
    with mock_apigateway(settings=Settings(admin_token="s3cret")) as started:
        yield started.app.test_client()


def test_with_an_admin_token_the_console_asks_to_sign_in(guarded):
    ids = pets_api(client())
    stage = f"{BASE}/restapis/{ids['api_id']}/stages/prod"
    answer = guarded.get(stage)
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/_mockgw/console/sign-in?next={stage}"
    form = guarded.get(answer.headers["Location"])
    assert form.status_code == 200 and 'name="token"' in form.get_data(as_text=True)
    assert guarded.get("/_mockgw/console/static/console.css").status_code == 200
    action = guarded.post(f"{stage}/promote")
    assert action.status_code == 303 and "/sign-in" in action.headers["Location"]
    assert client().get_stage(restApiId=ids["api_id"], stageName="prod")["deploymentId"] == \
        ids["first"]

    wrong = guarded.post("/_mockgw/console/sign-in", data={"token": "guess", "next": stage})
    assert wrong.status_code == 401
    assert "That is not the admin token." in text(wrong.get_data(as_text=True))
    assert guarded.get(stage).status_code == 303

    signed = guarded.post("/_mockgw/console/sign-in", data={"token": "s3cret", "next": stage})
    assert (signed.status_code, signed.headers["Location"]) == (303, stage)
    cookie = signed.headers["Set-Cookie"]
    assert cookie.startswith("mockgw_admin=") and "s3cret" not in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/_mockgw/" in cookie
    assert guarded.get(stage).status_code == 200
    assert guarded.get("/_mockgw/state").status_code == 200  # the admin API takes it too
    after = guarded.post(f"{stage}/promote", headers={"Origin": "http://localhost"})
    assert after.status_code == 303 and "notice=" in after.headers["Location"]
    assert client().get_stage(restApiId=ids["api_id"], stageName="prod")["deploymentId"] == \
        ids["second"]
    refused = guarded.post(f"{stage}/rollback", data={"deploymentId": ids["first"]},
                           headers={"Origin": EVIL})
    assert refused.status_code == 403  # signed in, still no cross-site actions

    out = guarded.post("/_mockgw/console/sign-out", headers={"Origin": "http://localhost"})
    assert out.status_code == 303
    assert guarded.get(stage).status_code == 303


def test_a_token_in_the_url_signs_in_once(guarded):
    answer = guarded.get("/_mockgw/console/?token=s3cret")
    assert answer.status_code == 303
    signed_in = guarded.get(answer.headers["Location"])
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/_mockgw/console/"
    assert "mockgw_admin=" in signed_in.headers["Set-Cookie"]
    assert guarded.get("/_mockgw/console/").status_code == 200
    elsewhere = guarded.post("/_mockgw/console/sign-in", data={
        "token": "s3cret", "next": "https://evil.example/"})
    assert elsewhere.headers["Location"] == "/_mockgw/console/"  # only local pages


def test_the_sign_in_page_is_not_needed_without_a_token(web):
    answer = web.get("/_mockgw/console/sign-in")
    assert (answer.status_code, answer.headers["Location"]) == (303, "/_mockgw/console/")
    cookie_alone = web.get("/_mockgw/console/", headers={"Cookie": "mockgw_admin=x"})
    assert cookie_alone.status_code == 200


# -- the same application as every other client ----------------------------------------------

def test_console_actions_are_journaled_like_any_call(tmp_path):
    """With --state-dir, a promotion made in the console survives a restart (it went
    through UpdateStage's handler, which the journal replays)."""
    state = str(tmp_path / "state")
    with ServerProcess(["--state-dir", state]) as server:
        apigw = client(endpoint_url=server.url)
        ids = pets_api(apigw)
        promoted = requests.post(
            f"{server.url}{BASE}/restapis/{ids['api_id']}/stages/prod/promote",
            headers={"Origin": server.url}, allow_redirects=False, timeout=10)
        assert promoted.status_code == 303
    with ServerProcess(["--state-dir", state]) as server:
        stage = client(endpoint_url=server.url).get_stage(restApiId=ids["api_id"],
                                                          stageName="prod")
        assert (stage["deploymentId"], stage["variables"]) == (ids["second"], {"v": "two"})
        page = requests.get(f"{server.url}{BASE}/restapis/{ids['api_id']}/stages/prod",
                            timeout=10)
        assert f"Deployment {ids['second']}" in text(page.text)


def test_the_console_keeps_control_plane_requests_off_flask():
    """The console adds no request hooks: control-plane calls still skip Flask's request
    context (mockgw/app.py says why)."""
    app = create_app(Settings())
    try:
        assert front_of(app).direct is True
        assert "admin.console.index" in app.view_functions
    finally:
        instance_of(app).close()
