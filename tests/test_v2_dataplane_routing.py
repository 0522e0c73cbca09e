"""HTTP APIs on the data plane: URL forms, stages, route selection in AWS's priority,
404s, the endpoint switch, and what the admin endpoints report."""

from __future__ import annotations

import pytest
import requests

from mockgw.testing import ServerProcess
from tests.dataplane_support import access_log_lines, freeze_clock
from tests.http_api_support import HttpApi, expect_message

LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:http-api-logs"


def routed(api: HttpApi, backend, routes: dict[str, str]) -> None:
    """Each route key to the backend path ``/{name}`` (so the backend tells which ran)."""
    for key, name in routes.items():
        api.route(key, api.http(f"{backend.url}/{name}"))


def ran(response: requests.Response) -> str:
    """The backend path the request reached (without the query)."""
    assert response.status_code == 200, response.text
    return response.json()["path"].split("?")[0]


@pytest.mark.parametrize("host_form", [False, True])
def test_routes_are_chosen_in_aws_priority(gw, backend, host_form):
    api = HttpApi(gw)
    routed(api, backend, {"GET /pets/dog/1": "exact", "GET /pets/dog/{id}": "variable",
                          "GET /pets/{proxy+}": "greedy-get", "ANY /{proxy+}": "greedy-any",
                          "$default": "default"})
    api.stage()

    def reached(method: str, path: str) -> str:
        return ran(api.call(method, path, host_form=host_form))

    # AWS's own examples (the developer guide's route evaluation table)
    assert reached("GET", "/pets/dog/1") == "/exact"
    assert reached("GET", "/pets/dog/2") == "/variable"
    assert reached("GET", "/pets/cat/1") == "/greedy-get"
    assert reached("POST", "/test/5") == "/greedy-any"
    # a greedy variable needs at least one segment; / goes to $default
    assert reached("GET", "/") == "/default"
    assert reached("POST", "/pets/dog/1") == "/greedy-any"
    assert reached("GET", "/pets/dog/1/") == "/exact"  # one trailing slash is ignored


def test_an_exact_method_wins_over_any_and_unmatched_requests_are_not_found(gw, backend):
    api = HttpApi(gw)
    routed(api, backend, {"GET /items": "get", "ANY /items": "any", "POST /only-post": "post",
                          "GET /a/{proxy+}": "greedy", "GET /{x}/b": "variable"})
    api.stage()
    assert ran(api.call("GET", "/items")) == "/get"
    assert ran(api.call("DELETE", "/items")) == "/any"
    assert api.call("HEAD", "/items").status_code == 200
    assert backend.seen[-1].path == "/any"  # HEAD is not GET
    # a full match with a path variable beats a greedy variable
    assert ran(api.call("GET", "/a/b")) == "/variable"
    assert ran(api.call("GET", "/a/b/c")) == "/greedy"
    for method, path in (("GET", "/only-post"), ("GET", "/nothing"), ("GET", "/ITEMS"),
                         ("GET", "/items/more"), ("GET", "/")):
        response = api.call(method, path)
        expect_message(response, 404, "Not Found")
        assert response.headers["date"].endswith(" GMT")


def test_path_variables_are_decoded_and_sent_on(gw, backend):
    api = HttpApi(gw)
    api.route("GET /files/{name}", api.http(f"{backend.url}/stored/{{name}}"))
    api.route("GET /tree/{path+}", api.http(f"{backend.url}/tree/{{path+}}"))
    api.stage()
    assert api.call("GET", "/files/a%20b?x=1&x=2").json()["path"] == "/stored/a%20b?x=1&x=2"
    assert api.call("GET", "/files/caf%C3%A9").json()["path"] == "/stored/caf%C3%A9"
    assert ran(api.call("GET", "/files/report.pdf/")) == "/stored/report.pdf"
    assert ran(api.call("GET", "/tree/a/b/c")) == "/tree/a/b/c"
    expect_message(api.call("GET", "/files/a/b"), 404, "Not Found")


@pytest.mark.parametrize("host_form", [False, True])
def test_stages_are_chosen_by_the_first_segment_on_the_host(gw, backend, host_form):
    api = HttpApi(gw)
    api.route("$default", api.http(backend.url))
    api.stage()
    api.stage("dev", StageVariables={"where": "dev"})
    via_default = api.call("GET", "/other/x", host_form=host_form).json()
    assert via_default["path"] == "/other/x"
    via_dev = api.call("GET", "/x", stage="dev", host_form=host_form).json()
    assert via_dev["path"] == "/x"  # the stage is not part of the backend's path


def test_the_host_form_falls_back_to_default_and_unknown_stages_are_not_found(gw, backend):
    api = HttpApi(gw)
    api.route("$default", api.http(backend.url))
    api.stage("dev")
    # no $default stage: only /dev/... reaches the API
    assert ran(api.call("GET", "/x", stage="dev")) == "/x"
    if gw.mode == "inprocess":
        expect_message(api.call("GET", "/x"), 404, "Not Found")
    else:
        expect_message(api.call("GET", "/x", host_form=True), 404, "Not Found")
        expect_message(api.call("GET", "/x", stage="prod"), 404, "Not Found")
    api.c.create_stage(ApiId=api.id, StageName="undeployed")
    expect_message(api.call("GET", "/x", stage="undeployed"), 404, "Not Found")


def test_quick_create_serves_at_once_and_a_disabled_endpoint_is_forbidden(gw, backend):
    v2 = gw.client("apigatewayv2")
    api_id = v2.create_api(Name="quick", ProtocolType="HTTP", Target=backend.url)["ApiId"]
    response = gw.http_api("POST", api_id, path="/orders?id=7", data=b"hi",
                           headers={"Content-Type": "text/plain"})
    assert response.status_code == 200
    assert response.json()["path"] == "/orders?id=7"
    assert response.json()["body"] == "hi"
    v2.update_api(ApiId=api_id, DisableExecuteApiEndpoint=True)  # auto-deployed at once
    expect_message(gw.http_api("GET", api_id, path="/orders"), 403, "Forbidden")


def test_disabling_the_endpoint_takes_effect_when_deployed(gw, backend):
    """AWS: "After you disable the default endpoint, you must deploy your API for the
    change to take effect, unless automatic deployments are enabled"."""
    api = HttpApi(gw)
    api.route("GET /pets", api.http(backend.url))
    api.stage("dev", AutoDeploy=False)
    api.c.create_deployment(ApiId=api.id, StageName="dev")
    assert api.call("GET", "/pets", stage="dev").status_code == 200
    api.c.update_api(ApiId=api.id, DisableExecuteApiEndpoint=True)
    assert api.call("GET", "/pets", stage="dev").status_code == 200
    api.c.create_deployment(ApiId=api.id, StageName="dev")
    expect_message(api.call("GET", "/pets", stage="dev"), 403, "Forbidden")


def test_head_answers_have_no_body(gw, backend):
    api = HttpApi(gw)
    api.route("ANY /thing", api.http(backend.url))
    api.stage()
    response = api.call("HEAD", "/thing")
    assert response.status_code == 200
    assert response.content == b""


def test_requests_metrics_and_access_logs_report_http_api_calls(gw, backend):
    freeze_clock(gw, 1_700_000_000)
    api = HttpApi(gw, name="reported")
    api.route("GET /pets/{id}", api.http(backend.url))
    api.stage(AccessLogSettings={
        "DestinationArn": LOG_GROUP,
        "Format": "$context.requestId $context.routeKey $context.status "
                  "$context.path $context.error.message $context.requestTime"})
    ok = api.call("GET", "/pets/7")
    missing = api.call("GET", "/cats")
    assert (ok.status_code, missing.status_code) == (200, 404)

    listed = gw.raw("GET", f"/_mockgw/requests?apiId={api.id}").json()["requests"]
    assert [r["status"] for r in listed] == [404, 200]
    newest, oldest = listed
    assert oldest["requestId"] == ok.headers["apigw-requestid"]
    assert {k: oldest[k] for k in ("stage", "httpMethod", "path", "routeKey",
                                   "integrationStatus", "errorMessage")} == {
        "stage": "$default", "httpMethod": "GET", "path": "/pets/7",
        "routeKey": "GET /pets/{id}", "integrationStatus": 200, "errorMessage": None}
    assert (newest["routeKey"], newest["errorMessage"]) == ("", "Not Found")

    metrics = gw.raw("GET", f"/_mockgw/metrics?apiId={api.id}").json()["metrics"]
    assert len(metrics) == 1
    assert metrics[0]["stage"] == "$default"
    assert metrics[0]["apiName"] == "reported"
    assert {k: metrics[0]["production"][k] for k in ("Count", "4XXError", "5XXError")} == {
        "Count": 2, "4XXError": 1, "5XXError": 0}

    assert access_log_lines(gw, api.id, "$default") == [
        f"{ok.headers['apigw-requestid']} GET /pets/{{id}} 200 /pets/7 - "
        "14/Nov/2023:22:13:20 +0000",
        f"{missing.headers['apigw-requestid']} - 404 /cats Not Found "
        "14/Nov/2023:22:13:20 +0000"]


def test_smoke_quick_create_against_the_server(server: ServerProcess):
    import boto3

    server.reset()
    ep = server.url
    port = ep.rsplit(":", 1)[1]
    v2 = boto3.client("apigatewayv2", region_name="us-east-1", endpoint_url=ep,
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    api = v2.create_api(Name="smoke-http", ProtocolType="HTTP",
                        Target=f"{ep}/_mockgw/health")["ApiId"]
    response = requests.get(f"{ep}/anything", timeout=10,
                            headers={"Host": f"{api}.execute-api.localhost:{port}"})
    assert response.status_code == 200
    assert response.json()["status"] == "running"


@pytest.mark.parametrize("gw", ["inprocess"], indirect=True)
def test_custom_domain_targets_name_the_api_stage_and_rest_of_the_path(gw):
    """What custom domain routing hands the data plane (API mapping resolution is the
    domain names' concern): the API, the mapped stage and the path after the mapping key."""
    from mockgw import execute
    from mockgw.execute.context import ExecuteTarget
    from mockgw.protocol.wire import WireRequest

    gw.mock.register_function("echo", lambda event, context: event)
    api = HttpApi(gw, DisableExecuteApiEndpoint=True)
    api.route("GET /orders/{id}", api.function(
        "arn:aws:lambda:us-east-1:123456789012:function:echo"))
    api.stage("live")
    target = ExecuteTarget(api.id, "live", "/orders/7", "us-east-1", "api.example.com",
                           via_custom_domain=True)
    request = WireRequest("GET", "/v1/orders/7", {}, {"host": "api.example.com"},
                          header_items=[("Host", "api.example.com")])
    response = execute.handle(gw.mock.instance, target, request)
    assert response.status == 200, response.body
    event = response.json()
    assert (event["rawPath"], event["pathParameters"]) == ("/v1/orders/7", {"id": "7"})
    context = event["requestContext"]
    assert (context["domainName"], context["domainPrefix"], context["stage"]) == (
        "api.example.com", "api", "live")
    # the execute-api endpoint itself is disabled
    expect_message(api.call("GET", "/orders/7", stage="live"), 403, "Forbidden")
