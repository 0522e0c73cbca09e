"""``mockgw.create_app()``: the Flask application every entry point serves, its test
client, its url_map, and routes users add beside the three planes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import boto3
import flask
import pytest
import requests

from mockgw import create_app
from mockgw.app import instance_of
from mockgw.protocol import rules
from mockgw.server import DATA_PLANE_LIMIT
from mockgw.serving import Server
from tests.conftest import NO_RETRIES
from tests.helpers import mock_api

REST_JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def app() -> Iterator[flask.Flask]:
    made = create_app()
    yield made
    instance_of(made).close()


@pytest.fixture
def client(app: flask.Flask) -> flask.testing.FlaskClient:
    instance_of(app).reset()
    return app.test_client()


def deploy_mock_api(client: flask.testing.FlaskClient, body: str = '{"ok": true}') -> str:
    """A REST API with a MOCK ``GET /pets`` deployed to ``dev``, built with raw
    control-plane calls through the test client; its id."""
    api = client.post("/restapis", json={"name": "pets"})
    assert api.status_code == 201, api.data
    api_id = api.json["id"]
    root = client.get(f"/restapis/{api_id}/resources").json["item"][0]["id"]
    pets = client.post(f"/restapis/{api_id}/resources/{root}", json={"pathPart": "pets"})
    method = f"/restapis/{api_id}/resources/{pets.json['id']}/methods/GET"
    assert client.put(method, json={"authorizationType": "NONE"}).status_code == 201
    assert client.put(f"{method}/integration", json={
        "type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
    ).status_code == 201
    assert client.put(f"{method}/responses/200", json={}).status_code == 201
    assert client.put(f"{method}/integration/responses/200", json={
        "responseTemplates": {"application/json": body}}).status_code == 201
    assert client.post(f"/restapis/{api_id}/deployments",
                       json={"stageName": "dev"}).status_code == 201
    return api_id


def test_create_app_is_a_flask_application_with_a_rule_per_operation(app):
    assert isinstance(app, flask.Flask)
    endpoints = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint, route in rules.routes().items():
        assert endpoint in endpoints, endpoint
        assert route.method in endpoints[endpoint].methods
    assert str(endpoints["apigateway.GetRestApi"]) == "/restapis/<restapi_id>"
    assert str(endpoints["apigateway.ImportRestApi"]) == "/restapis"  # ?mode=import
    assert str(endpoints["apigatewayv2.GetApi"]) == "/v2/apis/<apiId>"
    assert str(endpoints["lambda.Invoke"]) == (
        "/2015-03-31/functions/<FunctionName>/invocations")
    assert {"admin.health", "admin.reset", "admin.state"} <= set(endpoints)


def test_flask_routes_lists_the_operations():
    listed = subprocess.run([sys.executable, "-m", "flask", "--app", "mockgw:create_app",
                             "routes"], capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert any(line.split()[:3] == ["apigateway.CreateRestApi", "POST", "/restapis"]
               for line in lines)
    assert any(line.split()[:2] == ["lambda.CreateFunction", "POST"] for line in lines)
    assert any(line.split()[:1] == ["admin.health"] for line in lines)


def test_the_test_client_serves_control_plane_data_plane_and_admin(client):
    api_id = deploy_mock_api(client, '{"pets": ["rex"]}')
    listed = client.get("/restapis")
    assert (listed.status_code, [a["id"] for a in listed.json["item"]]) == (200, [api_id])
    assert listed.headers["x-amzn-RequestId"]

    invoked = client.get(f"/restapis/{api_id}/dev/_user_request_/pets")
    assert (invoked.status_code, invoked.json) == (200, {"pets": ["rex"]})
    by_host = client.get("/dev/pets", headers={"Host": f"{api_id}.execute-api.localhost"})
    assert (by_host.status_code, by_host.json) == (200, {"pets": ["rex"]})
    missing = client.get(f"/restapis/{api_id}/dev/_user_request_/cats")
    assert (missing.status_code, missing.json) == (403, {"message":
                                                         "Missing Authentication Token"})

    health = client.get("/_mockgw/health")
    assert (health.status_code, health.json["status"]) == (200, "running")
    assert client.post("/_mockgw/reset").json == {"reset": True}
    assert client.get("/restapis").json == {"item": []}


def test_unknown_paths_answer_the_modeled_error_never_a_page(client):
    unknown = client.get("/nothing/here")
    assert unknown.status_code == 404
    assert unknown.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert unknown.json["message"].startswith("No operation of apigateway, apigatewayv2, ")
    head = client.head("/restapis")  # GET rules do not take HEAD: no operation does
    assert head.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    admin = client.get("/_mockgw/nothing")
    assert (admin.status_code, admin.json) == (
        404, {"message": "No admin endpoint at /_mockgw/nothing"})
    wrong = client.delete("/_mockgw/health")
    assert (wrong.status_code, wrong.json["message"].startswith("Use ")) == (405, True)


def test_labels_keep_encoded_slashes(client):
    api_id = client.post("/restapis", json={"name": "tagged"}).json["id"]
    arn = f"arn:aws:apigateway:us-east-1::/restapis/{api_id}"
    encoded = requests.utils.quote(arn, safe="")
    assert client.put(f"/tags/{encoded}", json={"tags": {"team": "core"}}).status_code == 204
    assert client.get(f"/tags/{encoded}").json == {"tags": {"team": "core"}}


def test_a_user_blueprint_is_served_beside_the_three_planes():
    backend = flask.Blueprint("backend", __name__, url_prefix="/backend")

    @backend.get("/pets/<name>")
    def pet(name: str):
        return {"name": name, "via": flask.request.headers.get("X-Via", "")}

    fresh = create_app()
    try:
        fresh.register_blueprint(backend)
        test_client = fresh.test_client()
        assert test_client.get("/backend/pets/rex").json == {"name": "rex", "via": ""}
        assert test_client.get("/_mockgw/health").status_code == 200
        assert test_client.get("/restapis").json == {"item": []}
    finally:
        instance_of(fresh).close()


def test_request_hooks_see_control_plane_requests():
    app = create_app()
    seen: list[str] = []

    @app.before_request
    def record() -> None:
        seen.append(f"{flask.request.method} {flask.request.path}")

    @app.after_request
    def stamp(response: flask.Response) -> flask.Response:
        response.headers["X-Hooked"] = "yes"
        return response

    try:
        client = app.test_client()
        created = client.post("/restapis", json={"name": "hooked"})
        assert (created.status_code, created.headers["X-Hooked"]) == (201, "yes")
        api_id = created.json["id"]
        got = client.get(f"/restapis/{api_id}")
        assert (got.status_code, got.json["name"]) == (200, "hooked")
        assert client.get("/nowhere").headers["x-amzn-ErrorType"] == (
            "UnknownOperationException")
        assert seen == ["POST /restapis", f"GET /restapis/{api_id}", "GET /nowhere"]
    finally:
        instance_of(app).close()


@pytest.fixture
def served() -> Iterator[str]:
    """A fresh application with a fake backend blueprint, served by uvicorn on a free
    port in this process."""
    app = create_app()
    backend = flask.Blueprint("backend", __name__, url_prefix="/backend")

    @backend.route("/echo/<path:rest>", methods=["GET", "POST"])
    def echo(rest: str):
        return {"path": rest, "method": flask.request.method,
                "body": flask.request.get_data(as_text=True)}

    app.register_blueprint(backend)
    server = Server(app, "127.0.0.1", 0, threads=4, access_log=False)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
        server.wait()
        instance_of(app).close()


def test_an_http_integration_reaches_a_backend_on_the_same_port(served):
    url = served
    client = boto3.client("apigateway", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing",
                          config=NO_RETRIES)
    api = client.create_rest_api(name="proxied")
    resource = client.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                      pathPart="{proxy+}")
    client.put_method(restApiId=api["id"], resourceId=resource["id"], httpMethod="ANY",
                      authorizationType="NONE",
                      requestParameters={"method.request.path.proxy": True})
    client.put_integration(restApiId=api["id"], resourceId=resource["id"], httpMethod="ANY",
                           type="HTTP_PROXY", integrationHttpMethod="ANY",
                           uri=f"{url}/backend/echo/{{proxy}}",
                           requestParameters={
                               "integration.request.path.proxy": "method.request.path.proxy"})
    client.create_deployment(restApiId=api["id"], stageName="dev")
    answer = requests.post(f"{url}/restapis/{api['id']}/dev/_user_request_/pets/rex",
                           data="hello", timeout=10)
    assert answer.status_code == 200
    assert json.loads(answer.content) == {"path": "pets/rex", "method": "POST",
                                          "body": "hello"}
    assert requests.get(f"{url}/backend/echo/direct", timeout=10).json()["path"] == "direct"


def test_middleware_around_the_front_sees_every_request_on_the_server():
    """WSGI middleware wrapped around ``app.wsgi_app`` (Flask's documented pattern) is
    called for every plane when served: the server then answers all of it on its pool."""
    app = create_app()
    seen: list[str] = []

    def middleware(environ: dict, start_response):
        seen.append(environ["PATH_INFO"])

        def tagged(status: str, headers: list, exc_info=None):
            return start_response(status, [*headers, ("X-Middleware", "yes")], exc_info)

        return front(environ, tagged)

    front, app.wsgi_app = app.wsgi_app, middleware
    server = Server(app, "127.0.0.1", 0, threads=2, access_log=False)
    server.start()
    try:
        client = boto3.client("apigateway", endpoint_url=server.url, region_name="us-east-1",
                              aws_access_key_id="a", aws_secret_access_key="b",
                              config=NO_RETRIES)
        ids = mock_api(client, path="pets")
        client.create_deployment(restApiId=ids["api_id"], stageName="dev")
        answer = requests.get(
            f"{server.url}/restapis/{ids['api_id']}/dev/_user_request_/pets", timeout=10)
        assert (answer.status_code, answer.json()) == (200, {"ok": True})
        assert answer.headers["X-Middleware"] == "yes"
        health = requests.get(f"{server.url}/_mockgw/health", timeout=10)
        assert (health.status_code, health.headers["X-Middleware"]) == (200, "yes")
        assert seen[0] == "/restapis"
        assert seen[-2:] == [f"/restapis/{ids['api_id']}/dev/_user_request_/pets",
                             "/_mockgw/health"]
    finally:
        server.stop()
        server.wait()
        instance_of(app).close()


def test_a_body_over_10_mb_gets_the_apis_request_too_large_answer(gw):
    client = gw.client()
    ids = mock_api(client, path="upload", method="POST")
    client.put_gateway_response(restApiId=ids["api_id"], responseType="REQUEST_TOO_LARGE",
                                responseTemplates={"application/json":
                                                   '{"too": "$context.error.message"}'})
    client.create_deployment(restApiId=ids["api_id"], stageName="dev")
    url = gw.invoke_url(ids["api_id"], "dev", "/upload")
    refused = gw.http.post(url, data=b"x" * (DATA_PLANE_LIMIT + 1), timeout=30)
    assert (refused.status_code, refused.json()) == (413, {"too": "Request Too Long"})
    assert refused.headers["x-amzn-ErrorType"] == "RequestTooLargeException"
    accepted = gw.http.post(url, data=b"x" * DATA_PLANE_LIMIT, timeout=30)
    assert (accepted.status_code, accepted.json()) == (200, {"ok": True})
