"""Terraform's AWS provider against ``mockgw serve``: apply the configurations under
tests/terraform, call the deployed APIs, apply a second release that changes a little of
everything in place, check that a plan then finds nothing to change, destroy, and check
with boto3 that nothing is left.

Terraform reads everything back after each change and diffs it against the configuration,
so any field mockgw answers differently from AWS (a missing default, a renamed key, an
eventual-consistency status) shows up as drift or as an apply error here.

One server and one ``terraform apply`` serve the whole module (the provider binary is
large and slow to start, so every Terraform command counts). The provider is linked from
the local filesystem mirror by ``terraform init`` (no download, no copy: a plugin cache
would only add a copy of the binary). Skipped when ``terraform`` or the mirror is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from mockgw.testing import ServerProcess
from tests.backend import Backend, Reply

CONFIGURATIONS = Path(__file__).parent / "terraform"
MIRROR = Path("/opt/tf-plugins")
PROVIDER = MIRROR / "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"
TERRAFORM = shutil.which("terraform")
CLI_CONFIG = """\
provider_installation {
  filesystem_mirror {
    path    = "%s"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
"""
API_KEY = "terraform-client-key-0123456789"
#: Concurrent operations of the applies. The provider's Go HTTP client used to close, now
#: and then, a connection whose answer's head had come without its body (uvicorn wrote them
#: apart) and its SDK sent the request again: a create sent twice failed with a
#: ConflictException, ~1 apply in 5 on a busy 2-core machine. mockgw now writes an answer
#: whole (tests/test_serving.py); _first_apply still applies again from scratch should a
#: client retry ever send a create twice.
PARALLELISM = "-parallelism=3"

pytestmark = [
    pytest.mark.skipif(TERRAFORM is None, reason="the terraform CLI is not installed"),
    pytest.mark.skipif(not PROVIDER.is_dir(),
                       reason=f"the hashicorp/aws 5.100.0 provider is not mirrored in {MIRROR}"),
    pytest.mark.xdist_group("terraform"),
]


class Terraform:
    """The ``terraform`` CLI in a working directory, with the test's variables."""

    def __init__(self, workdir: Path, variables: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = {**os.environ,
                    "TF_CLI_CONFIG_FILE": str(workdir / "cli.tfrc"),
                    "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1",
                    **{f"TF_VAR_{name}": value for name, value in variables.items()}}
        for name in ("TF_LOG", "TF_LOG_PATH", "TF_REATTACH_PROVIDERS", "TF_WORKSPACE"):
            self.env.pop(name, None)

    def run(self, *args: str, codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
        """Run ``terraform args...``; fail the test with its output unless it exits with
        one of ``codes``."""
        done = subprocess.run([TERRAFORM, *args, "-no-color"], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode not in codes:
            output = (done.stdout + done.stderr)[-6000:]
            pytest.fail(f"terraform {' '.join(args)} exited {done.returncode}:\n{output}")
        return done

    def outputs(self) -> dict[str, Any]:
        found = json.loads(self.run("output", "-json").stdout)
        return {name: item["value"] for name, item in found.items()}


@dataclass
class Deployed:
    """What the module's tests share: the server, the backend, Terraform and its outputs."""

    server: ServerProcess
    backend: Backend
    terraform: Terraform
    outputs: dict[str, Any]
    http: requests.Session = field(default_factory=requests.Session)

    def rest(self, api: str, path: str, method: str = "GET", **kwargs: Any) -> requests.Response:
        """Call a REST API of ``outputs[api]`` on its stage."""
        found = self.outputs[api]
        url = (f"{self.server.url}/restapis/{found['api_id']}/{found['stage']}"
               f"/_user_request_{path}")
        return self.http.request(method, url, timeout=30, **kwargs)

    def http_api(self, api_id: str, path: str, method: str = "GET",
                 **kwargs: Any) -> requests.Response:
        """Call an HTTP API's ``$default`` stage."""
        url = f"{self.server.url}/_aws/execute-api/{api_id}/$default{path}"
        return self.http.request(method, url, timeout=30, **kwargs)

    def domain(self, name: str, path: str, **kwargs: Any) -> requests.Response:
        """Call a custom domain name (its Host) on the server."""
        headers = {"Host": name, **kwargs.pop("headers", {})}
        return self.http.get(f"{self.server.url}{path}", headers=headers, timeout=30, **kwargs)

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.server.url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")


def _package(path: Path) -> Path:
    """The Lambda deployment package of functions/app.py (archive_file needs the
    hashicorp/archive provider, which the mirror lacks)."""
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("app.py", date_time=(2024, 1, 1, 0, 0, 0))
        archive.writestr(info, (CONFIGURATIONS / "functions/app.py").read_text())
    return path


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    workdir = tmp_path_factory.mktemp("terraform")
    shutil.copytree(CONFIGURATIONS, workdir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".terraform*", "terraform.tfstate*"))
    (workdir / "cli.tfrc").write_text(CLI_CONFIG % MIRROR)
    package = _package(workdir / "app.zip")
    with ServerProcess() as server, Backend() as backend:
        terraform = Terraform(workdir, {"endpoint": server.url, "lambda_zip": str(package),
                                        "backend_url": backend.url})
        terraform.run("init", "-backend=false")
        _first_apply(server, terraform)
        yield Deployed(server, backend, terraform, terraform.outputs())


def _first_apply(server: ServerProcess, terraform: Terraform) -> None:
    """Apply everything; once more from scratch (mockgw reset, no state) when the provider
    sent a create twice (see PARALLELISM), which a genuine conflict survives."""
    applied = terraform.run("apply", "-auto-approve", PARALLELISM, codes=(0, 1))
    if applied.returncode == 0:
        return
    output = applied.stdout + applied.stderr
    if "ConflictException" not in output:
        pytest.fail(f"terraform apply exited 1:\n{output[-6000:]}")
    warnings.warn(RuntimeWarning("terraform's first apply sent a create twice (a client "
                                 "retry); applying again from a reset mockgw"), stacklevel=2)
    server.reset()
    for state in terraform.workdir.glob("terraform.tfstate*"):
        state.unlink()
    terraform.run("apply", "-auto-approve", PARALLELISM)


# -- (a) a REST API built resource by resource ------------------------------------------------

def test_rest_api_mock_integrations_with_parameters_templates_and_validation(deployed):
    item = deployed.rest("rest", "/items/42?verbose=1", headers={"X-Client": "tf"})
    assert item.status_code == 200, item.text
    assert item.json() == {"id": "42", "client": "tf", "stage": "live", "color": "blue",
                           "release": "1"}
    assert item.headers["X-Item-Id"] == "terraform"

    missing = deployed.rest("rest", "/items/42")
    assert (missing.status_code, missing.json()) == (
        400, {"message": "Missing required request parameters: [X-Client]"})

    created = deployed.rest("rest", "/items", "POST", json={"name": "lamp", "price": 3})
    assert created.status_code == 201, created.text
    assert created.json()["created"] is True
    invalid = deployed.rest("rest", "/items", "POST", json={"price": 3})
    assert (invalid.status_code, invalid.json()) == (400, {"message": "Invalid request body"})


def test_rest_api_http_proxy_and_lambda_proxy(deployed):
    health = deployed.rest("rest", "/health")
    assert health.status_code == 200, health.text
    assert (health.json()["method"], health.json()["path"]) == ("GET", "/health")

    app = deployed.rest("rest", "/app/orders/7?x=1", "POST", json={"a": 1})
    assert app.status_code == 200, app.text
    assert app.json() == {"from": "lambda", "release": "1", "method": "POST",
                          "path": "/app/orders/7",
                          "resource": "/app/{proxy+}", "pathParameters": {"proxy": "orders/7"},
                          "stageVariables": {"color": "blue", "release": "1"}, "stage": "live"}


def test_rest_api_key_usage_plan_and_lambda_authorizer(deployed):
    assert deployed.rest("rest", "/secure").status_code == 403
    keyed = deployed.rest("rest", "/secure", headers={"x-api-key": API_KEY})
    assert (keyed.status_code, keyed.json()) == (200, {"key": API_KEY})
    assert deployed.outputs["rest"]["api_key"] == API_KEY

    anonymous = deployed.rest("rest", "/private")
    assert (anonymous.status_code, anonymous.json()) == (401, {"message": "Unauthorized"})
    allowed = deployed.rest("rest", "/private", headers={"Authorization": "allow"})
    assert (allowed.status_code, allowed.json()) == (
        200, {"principal": "terraform-user", "team": "platform"})
    denied = deployed.rest("rest", "/private", headers={"Authorization": "deny"})
    assert denied.status_code == 403


def test_rest_api_gateway_response(deployed):
    missing = deployed.rest("rest", "/nowhere")
    assert missing.status_code == 404
    assert missing.headers["X-Terraform"] == "release-1"
    assert missing.json() == {"message": "no route here", "path": "/live/nowhere",
                              "release": "1"}


def test_rest_api_as_applied(deployed):
    found = deployed.outputs["rest"]
    client = deployed.client("apigateway")
    api = client.get_rest_api(restApiId=found["api_id"])
    assert (api["apiKeySource"], api["minimumCompressionSize"]) == ("HEADER", 1024)
    assert api["binaryMediaTypes"] == ["image/png"]
    resource = f"arn:aws:execute-api:us-east-1:123456789012:{found['api_id']}\\/*"
    assert api["policy"] == (  # compact and escaped once more, as AWS answers it
        r'{\"Statement\":[{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Allow\",'
        r'\"Principal\":\"*\",\"Resource\":\"' + resource + r'\"}],\"Version\":\"2012-10-17\"}')
    stage = client.get_stage(restApiId=found["api_id"], stageName="live")
    assert stage["variables"] == {"color": "blue", "release": "1"}
    assert stage["tags"] == {"stage": "live"}
    assert (stage["tracingEnabled"], stage["cacheClusterEnabled"]) == (True, True)
    assert stage["documentationVersion"] == "v1"
    assert stage["accessLogSettings"]["destinationArn"].endswith(":terraform-rest-access")
    assert stage["clientCertificateId"]
    assert stage["methodSettings"]["*/*"]["loggingLevel"] == "INFO"
    assert stage["methodSettings"]["*/*"]["throttlingBurstLimit"] == 100
    nested = stage["methodSettings"]["items/{id}/GET"]
    assert (nested["throttlingBurstLimit"], nested["throttlingRateLimit"]) == (5, 2.0)
    assert client.get_account()["cloudwatchRoleArn"].endswith(":role/apigateway-cloudwatch")
    alias = deployed.client("lambda").get_alias(FunctionName="terraform-app", Name="live")
    assert alias["FunctionVersion"] == "1"


# -- (b) a REST API from an OpenAPI body -----------------------------------------------------

def test_openapi_body_api(deployed):
    pets = deployed.rest("openapi", "/pets?type=cat")
    assert (pets.status_code, pets.json()) == (200, [{"id": 1, "type": "cat"}])

    created = deployed.rest("openapi", "/pets", "POST", json={"name": "rex"})
    assert (created.status_code, created.json()) == (201, {"created": True})
    invalid = deployed.rest("openapi", "/pets", "POST", json={"type": "dog"})
    # the template inserts the message as it is (AWS does not escape it for JSON either)
    assert (invalid.status_code, invalid.text) == (
        422, '{"problem": "[object has missing required properties (["name"])]"}')

    proxied = deployed.rest("openapi", "/pets/7")
    assert proxied.status_code == 200, proxied.text
    assert proxied.json()["path"] == "/pets/7"


# -- (c) HTTP APIs ----------------------------------------------------------------------------

def test_http_api(deployed):
    api_id = deployed.outputs["http"]["api_id"]
    item = deployed.http_api(api_id, "/items/5")
    assert item.status_code == 200, item.text
    assert item.json() == {"from": "lambda", "release": "1", "method": "GET", "path": "/items/5",
                           "routeKey": "GET /items/{id}", "stage": "$default"}

    health = deployed.http_api(api_id, "/health")
    assert health.status_code == 200, health.text
    assert health.json()["path"] == "/health"
    seen = {name.lower(): value for name, value in health.json()["headers"].items()}
    assert seen.get("x-via") == "mockgw"

    unauthorized = deployed.http_api(api_id, "/secure")
    assert (unauthorized.status_code, unauthorized.json()) == (401, {"message": "Unauthorized"})

    preflight = deployed.http_api(api_id, "/items/5", "OPTIONS", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"

    allowed = deployed.http_api(api_id, "/team", headers={"Authorization": "allow"})
    assert (allowed.status_code, allowed.json()["routeKey"]) == (200, "GET /team")
    denied = deployed.http_api(api_id, "/team", headers={"Authorization": "deny"})
    assert (denied.status_code, denied.json()) == (403, {"message": "Forbidden"})

    deployed.backend.replies["/status/db"] = Reply(status=500, body=b"{}")
    degraded = deployed.http_api(api_id, "/status/db")
    assert degraded.status_code == 503
    assert degraded.headers["x-degraded"] == "true"

    live = deployed.http.get(f"{deployed.server.url}/_aws/execute-api/{api_id}/live/items/6",
                             timeout=30)
    assert (live.status_code, live.json()["stage"]) == (200, "live")

    quick = deployed.http_api(deployed.outputs["http"]["quick_api_id"], "/anything")
    assert quick.status_code == 200, quick.text
    assert quick.json()["routeKey"] == "$default"


def test_http_api_stage_as_applied(deployed):
    api_id = deployed.outputs["http"]["api_id"]
    client = deployed.client("apigatewayv2")
    stage = client.get_stage(ApiId=api_id, StageName="$default")
    assert stage["AutoDeploy"] is True
    assert stage["StageVariables"] == {"color": "green", "release": "1"}
    assert stage["RouteSettings"]["GET /items/{id}"]["ThrottlingBurstLimit"] == 10
    assert stage["DeploymentId"]
    routes = {r["RouteKey"]: r for r in client.get_routes(ApiId=api_id)["Items"]}
    assert set(routes) == {"GET /items/{id}", "ANY /app/{proxy+}", "GET /health", "GET /secure",
                           "GET /team", "GET /status/{component}", "ANY /internal/{proxy+}"}
    assert routes["GET /secure"]["AuthorizationType"] == "JWT"
    assert routes["GET /team"]["AuthorizationType"] == "CUSTOM"
    live = client.get_stage(ApiId=api_id, StageName="live")
    assert live["AccessLogSettings"]["DestinationArn"].endswith(":terraform-http-access")
    assert "AutoDeploy" not in live or live["AutoDeploy"] is False
    assert [link["Name"] for link in client.get_vpc_links()["Items"]] == ["terraform-internal"]
    quick = client.get_routes(ApiId=deployed.outputs["http"]["quick_api_id"])["Items"]
    assert [r["RouteKey"] for r in quick] == ["$default"]


# -- a WebSocket API (its data plane is not served yet: what was applied) -------------------

def test_websocket_api_as_applied(deployed):
    api_id = deployed.outputs["websocket"]["api_id"]
    client = deployed.client("apigatewayv2")
    api = client.get_api(ApiId=api_id)
    assert (api["ProtocolType"], api["RouteSelectionExpression"]) == (
        "WEBSOCKET", "$request.body.action")
    routes = {r["RouteKey"]: r for r in client.get_routes(ApiId=api_id)["Items"]}
    assert set(routes) == {"$connect", "$disconnect", "$default", "ping"}
    responses = client.get_route_responses(ApiId=api_id, RouteId=routes["ping"]["RouteId"])
    assert [r["RouteResponseKey"] for r in responses["Items"]] == ["$default"]
    ping = routes["ping"]["Target"].removeprefix("integrations/")
    answers = client.get_integration_responses(ApiId=api_id, IntegrationId=ping)["Items"]
    assert [(a["IntegrationResponseKey"], json.loads(a["ResponseTemplates"]["$default"]))
            for a in answers] == [("/200/", {"action": "pong", "release": "1"})]
    stage = client.get_stage(ApiId=api_id, StageName="live")
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == 50
    authorizer = client.get_authorizer(ApiId=api_id,
                                       AuthorizerId=routes["$connect"]["AuthorizerId"])
    assert routes["$connect"]["AuthorizationType"] == "CUSTOM"
    assert (authorizer["IdentitySource"], "AuthorizerResultTtlInSeconds" in authorizer) == (
        ["route.request.querystring.token"], False)  # never sent for WebSocket APIs


# -- (d) custom domain names ------------------------------------------------------------------

def test_custom_domain_names(deployed):
    domains = deployed.outputs["domains"]
    item = deployed.domain(domains["rest_domain"], "/v1/items/9", headers={"X-Client": "d"})
    assert item.status_code == 200, item.text
    assert item.json()["id"] == "9"

    mapped = deployed.client("apigatewayv2").get_api_mappings(
        DomainName=domains["http_domain"])["Items"]
    assert [(m["ApiMappingKey"], m["ApiId"], m["Stage"]) for m in mapped] == [
        ("orders", deployed.outputs["http"]["api_id"], "$default")]
    order = deployed.domain(domains["http_domain"], "/orders/items/3")
    assert order.status_code == 200, order.text
    # the route matched /items/3; payload 2.0's rawPath keeps the mapping key, as on AWS
    assert (order.json()["routeKey"], order.json()["path"]) == ("GET /items/{id}",
                                                                "/orders/items/3")


# -- changing, re-reading, destroying ---------------------------------------------------------

#: What the second release changes (every module: updates through each resource's own
#: Update* path, and the deployments it makes redeploy).
RELEASE_2 = {
    ("aws_lambda_function.app", "update"),
    ("aws_lambda_alias.live", "update"),
    ("module.rest.aws_api_gateway_rest_api.api", "update"),
    ("module.rest.aws_api_gateway_api_key.client", "update"),
    ("module.rest.aws_api_gateway_usage_plan.basic", "update"),
    ("module.rest.aws_api_gateway_request_validator.all", "update"),
    ("module.rest.aws_api_gateway_model.item", "update"),
    ("module.rest.aws_api_gateway_gateway_response.missing_token", "update"),
    ("module.rest.aws_api_gateway_authorizer.token", "update"),
    ("module.rest.aws_api_gateway_method.get_item", "update"),
    ("module.rest.aws_api_gateway_integration_response.get_item", "update"),
    ("module.rest.aws_api_gateway_deployment.live", "replace"),
    ("module.rest.aws_api_gateway_stage.live", "update"),
    ("module.rest.aws_api_gateway_method_settings.all", "update"),
    ("module.openapi.aws_api_gateway_rest_api.pets", "update"),
    ("module.openapi.aws_api_gateway_deployment.v1", "replace"),
    ("module.openapi.aws_api_gateway_stage.v1", "update"),
    ("module.http.aws_apigatewayv2_api.http", "update"),
    ("module.http.aws_apigatewayv2_authorizer.jwt", "update"),
    ("module.http.aws_apigatewayv2_integration.lambda", "update"),
    ("module.http.aws_apigatewayv2_integration.status", "update"),
    ("module.http.aws_apigatewayv2_route.team", "update"),
    ("module.http.aws_apigatewayv2_stage.default", "update"),
    ("module.websocket.aws_apigatewayv2_authorizer.connect", "update"),
    ("module.websocket.aws_apigatewayv2_integration_response.ping", "update"),
    ("module.websocket.aws_apigatewayv2_deployment.live", "replace"),
    ("module.websocket.aws_apigatewayv2_stage.live", "update"),
    ("module.domains.aws_api_gateway_domain_name.rest", "update"),
    ("module.domains.aws_apigatewayv2_domain_name.http", "update"),
}


def test_second_release_updates_in_place_and_nothing_drifts(deployed):
    before = deployed.outputs["rest"]["deployment_id"]
    applied = deployed.terraform.run("apply", "-auto-approve", PARALLELISM, "-json",
                                     "-var", "release=2")
    changes = {(item["change"]["resource"]["addr"], item["change"]["action"])
               for item in map(json.loads, applied.stdout.splitlines())
               if item.get("type") == "planned_change"}
    assert changes == RELEASE_2  # anything else drifted after the first apply
    assert deployed.terraform.outputs()["rest"]["deployment_id"] != before

    item = deployed.rest("rest", "/items/1", headers={"X-Client": "tf"})
    assert item.json()["release"] == "2"
    app = deployed.rest("rest", "/app/x")
    assert app.json()["release"] == "2"  # the alias moved to the newly published version
    missing = deployed.rest("rest", "/nowhere")
    assert (missing.headers["X-Terraform"], missing.json()["release"]) == ("release-2", "2")
    version = deployed.rest("openapi", "/version")
    assert (version.status_code, version.json()) == (200, {"release": "2"})
    model = deployed.client("apigateway").get_model(
        restApiId=deployed.outputs["rest"]["api_id"], modelName="Item")
    assert "tags" in json.loads(model["schema"])["properties"]

    plan = deployed.terraform.run("plan", "-detailed-exitcode", "-var", "release=2",
                                  codes=(0, 2))
    assert plan.returncode == 0, "terraform plan found drift:\n" + textwrap.indent(
        plan.stdout[-6000:], "  ")


def test_destroy_leaves_nothing(deployed):
    # deletes are safe to repeat (a second DELETE finds nothing); the plan before this one
    # read everything back, so no refresh
    deployed.terraform.run("destroy", "-auto-approve", "-refresh=false", "-var", "release=2")
    rest = deployed.client("apigateway")
    for listing in (rest.get_rest_apis, rest.get_api_keys, rest.get_usage_plans,
                    rest.get_domain_names, rest.get_client_certificates, rest.get_vpc_links):
        assert listing()["items"] == [], listing
    assert "cloudwatchRoleArn" not in rest.get_account()  # reset_on_delete
    v2 = deployed.client("apigatewayv2")
    for listing in (v2.get_apis, v2.get_domain_names, v2.get_vpc_links):
        assert listing()["Items"] == [], listing
    assert deployed.client("lambda").list_functions()["Functions"] == []
