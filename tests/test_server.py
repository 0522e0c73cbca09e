"""``mockgw serve`` as a process: startup, admin endpoints, logs, clean shutdown."""

from __future__ import annotations

import json
import signal

import boto3
import requests

from mockgw.server import DATA_PLANE_LIMIT as LIMIT
from mockgw.testing import ServerProcess
from tests.conftest import NO_RETRIES
from tests.helpers import mock_api
from tests.lambda_support import answer, create
from tests.test_lambda_runtime import SPAWNS, alive, wait_gone
from tests.test_serving import raw_exchange


def test_health_and_reset(server):
    health = requests.get(f"{server.url}/_mockgw/health", timeout=5)
    assert health.status_code == 200
    assert health.json()["status"] == "running"
    client = boto3.client("apigateway", endpoint_url=server.url, region_name="us-east-1",
                          aws_access_key_id="a", aws_secret_access_key="b")
    client.create_rest_api(name="before-reset")
    assert requests.post(f"{server.url}/_mockgw/reset", timeout=5).json() == {"reset": True}
    assert client.get_rest_apis()["items"] == []


def test_unknown_admin_endpoint_is_json_404(server):
    response = requests.get(f"{server.url}/_mockgw/nothing", timeout=5)
    assert response.status_code == 404
    assert "message" in response.json()


def test_sigterm_stops_cleanly_and_requests_are_logged():
    with ServerProcess() as process:
        requests.get(f"{process.url}/restapis", timeout=5)
        code = process.stop(signal.SIGTERM)
    assert code == 0
    lines = list(process.output)
    assert any("GET /restapis 200" in line for line in lines), lines
    assert lines[-1] == "mockgw stopped"


def test_sigint_stops_cleanly():
    with ServerProcess() as process:
        assert process.stop(signal.SIGINT) == 0


def test_an_empty_body_with_expect_100_continue_is_answered(server):
    answer = raw_exchange(server.url, b"POST /restapis HTTP/1.1\r\nHost: x\r\n"
                                      b"Content-Length: 0\r\nExpect: 100-continue\r\n"
                                      b"Connection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), answer
    assert b'"message"' in answer.split(b"\r\n\r\n", 1)[1]


def test_a_body_over_10_mb_is_refused_unread(server):
    ids = mock_api(boto3.client("apigateway", endpoint_url=server.url, region_name="us-east-1",
                                aws_access_key_id="a", aws_secret_access_key="b"),
                   path="upload", method="POST")
    boto3.client("apigateway", endpoint_url=server.url, region_name="us-east-1",
                 aws_access_key_id="a", aws_secret_access_key="b").create_deployment(
        restApiId=ids["api_id"], stageName="dev")
    path = f"/restapis/{ids['api_id']}/dev/_user_request_/upload"
    # The client waits for 100 Continue before sending: a refused body is never sent.
    answer = raw_exchange(server.url, f"POST {path} HTTP/1.1\r\nHost: x\r\n"
                                      f"Content-Length: {LIMIT + 1}\r\nExpect: 100-continue\r\n"
                                      "Connection: close\r\n\r\n".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 "), head
    assert b"\r\nconnection: close" in head.lower()  # the body it announced never comes
    assert b"\r\nx-amzn-errortype: requesttoolargeexception" in head.lower()
    assert json.loads(body) == {"message": "Request Too Long"}
    assert requests.post(server.url + path, data=b"x" * LIMIT, timeout=30).status_code == 200


def test_the_process_environment_is_not_read_as_request_headers(backend):
    with ServerProcess(env={"HTTP_X_INJECTED": "from-env", "CONTENT_TYPE": "text/evil"}) as s:
        client = boto3.client("apigateway", endpoint_url=s.url, region_name="us-east-1",
                              aws_access_key_id="a", aws_secret_access_key="b")
        api = client.create_rest_api(name="proxied")
        client.put_method(restApiId=api["id"], resourceId=api["rootResourceId"],
                          httpMethod="GET", authorizationType="NONE")
        client.put_integration(restApiId=api["id"], resourceId=api["rootResourceId"],
                               httpMethod="GET", type="HTTP_PROXY",
                               integrationHttpMethod="GET", uri=backend.url + "/seen")
        client.create_deployment(restApiId=api["id"], stageName="dev")
        answer = requests.get(f"{s.url}/restapis/{api['id']}/dev/_user_request_/",
                              headers={"X-Sent": "yes"}, timeout=10)
    assert answer.status_code == 200
    (seen,) = backend.seen
    names = {name.lower() for name in seen.headers}
    assert "x-sent" in names
    assert "x-injected" not in names and "content-type" not in names


def test_hop_by_hop_headers_from_an_api_do_not_break_the_response(server):
    client = boto3.client("apigateway", endpoint_url=server.url, region_name="us-east-1",
                          aws_access_key_id="a", aws_secret_access_key="b")
    ids = mock_api(client, path="hop")
    mapped = {"Connection": "'close'", "Transfer-Encoding": "'chunked'",
              "Keep-Alive": "'timeout=1'", "Upgrade": "'h2c'", "X-Kept": "'yes'"}
    where = {"restApiId": ids["api_id"], "resourceId": ids["resource_id"],
             "httpMethod": "GET", "statusCode": "200"}
    client.update_method_response(**where, patchOperations=[
        {"op": "add", "path": f"/responseParameters/method.response.header.{name}",
         "value": "false"} for name in mapped])
    client.update_integration_response(**where, patchOperations=[
        {"op": "add", "path": f"/responseParameters/method.response.header.{name}",
         "value": value} for name, value in mapped.items()])
    client.create_deployment(restApiId=ids["api_id"], stageName="dev")
    session = requests.Session()
    url = f"{server.url}/restapis/{ids['api_id']}/dev/_user_request_/hop"
    for _ in range(2):  # the connection survives the first answer
        answer = session.get(url, timeout=10)
        assert (answer.status_code, answer.json()) == (200, {"ok": True})
        assert answer.headers["X-Kept"] == "yes"
        assert answer.headers.get("Transfer-Encoding") is None
        assert answer.headers.get("Upgrade") is None
    assert session.get(f"{server.url}/_mockgw/health", timeout=10).status_code == 200


def test_lambda_workers_die_with_a_killed_server():
    with ServerProcess() as process:
        c = boto3.client("lambda", endpoint_url=process.url, region_name="us-east-1",
                         aws_access_key_id="testing", aws_secret_access_key="testing",
                         config=NO_RETRIES)
        create(c, "served", SPAWNS)
        worker, child = answer(c.invoke(FunctionName="served"))
        assert alive(worker) and alive(child)
        process.stop(signal.SIGKILL)
    assert process.process.returncode == -signal.SIGKILL
    wait_gone(worker, child)


FAKES = '''
import flask
from mockgw import create_app

app = create_app()
backend = flask.Blueprint("backend", __name__, url_prefix="/backend")


@backend.post("/orders")
def orders():
    return {"received": flask.request.get_json()}, 201


app.register_blueprint(backend)
'''


def test_serve_app_serves_an_application_with_routes_of_its_own(tmp_path):
    (tmp_path / "fakes.py").write_text(FAKES)
    with ServerProcess(["--app", "fakes:app", "--region", "eu-west-1"],
                       env={"PYTHONPATH": str(tmp_path)}) as s:
        ordered = requests.post(f"{s.url}/backend/orders", json={"n": 1}, timeout=10)
        assert (ordered.status_code, ordered.json()) == (201, {"received": {"n": 1}})
        client = boto3.client("apigateway", endpoint_url=s.url, region_name="eu-west-1",
                              aws_access_key_id="a", aws_secret_access_key="b")
        client.create_rest_api(name="beside")
        assert [a["name"] for a in client.get_rest_apis()["items"]] == ["beside"]
        unsigned = requests.get(f"{s.url}/restapis", timeout=10).json()  # --region applies
        assert [a["name"] for a in unsigned["item"]] == ["beside"]
    assert any("POST /backend/orders 201" in line for line in s.output), list(s.output)


def test_serve_app_refuses_what_is_not_a_mockgw_application(tmp_path):
    (tmp_path / "other.py").write_text("import flask\napp = flask.Flask('other')\n")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "mockgw", "serve", "--app", "other:app"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2
    assert "--app other:app is not an application made by mockgw.create_app()" in done.stderr


def test_a_second_server_on_a_port_already_served_is_refused(server):
    """A port one server listens on is refused to a second (it must not bind beside it
    with ``SO_REUSEPORT`` and share its connections)."""
    import subprocess
    import sys

    port = server.url.rsplit(":", 1)[1]
    done = subprocess.run([sys.executable, "-m", "mockgw", "serve", "--port", port,
                           "--websocket-port", "0"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "Address already in use" in done.stderr
    assert requests.get(f"{server.url}/_mockgw/health", timeout=10).status_code == 200
