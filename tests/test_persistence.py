"""Durable state (``--state-dir``): journal, replay, snapshots, and a SIGKILL mid-load."""

from __future__ import annotations

import io
import signal
import sqlite3
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from mockgw import control
from mockgw.mock import mock_apigateway
from mockgw.state.persistence import DATABASE, StateDirError, StateFile
from mockgw.testing import ServerProcess
from tests.helpers import mock_api

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})
V2_TARGET = "arn:aws:lambda:us-east-1:123456789012:function:hello"


def journal_rows(directory: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(directory / DATABASE) as db:
        return db.execute("SELECT service, operation FROM journal ORDER BY seq").fetchall()


def crash(mock: mock_apigateway) -> None:
    """Let go of the state directory without the snapshot a clean stop takes."""
    state = mock.instance.state
    assert state is not None
    state.close()
    mock.instance.state = None


def build_everything(client) -> dict:
    """A bit of every kind of state: an API deployed to a stage, keys, a usage plan..."""
    ids = mock_api(client, name="pets", path="pets")
    client.create_deployment(restApiId=ids["api_id"], stageName="dev", description="first")
    client.update_stage(restApiId=ids["api_id"], stageName="dev", patchOperations=[
        {"op": "replace", "path": "/variables/color", "value": "blue"}])
    key = client.create_api_key(name="partner", enabled=True)
    plan = client.create_usage_plan(name="gold", apiStages=[
        {"apiId": ids["api_id"], "stage": "dev"}], quota={"limit": 10, "period": "DAY"})
    client.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    client.import_api_keys(body=b"Name,Key\nimported,abcdefghijklmnopqrstuvwxyz\n",
                           format="csv")
    client.generate_client_certificate(description="mtls")
    client.tag_resource(resourceArn=f"arn:aws:apigateway:us-east-1::/restapis/{ids['api_id']}",
                        tags={"team": "core"})
    lam = boto3.client("lambda", region_name="us-east-1")
    lam.create_function(FunctionName="hello", Runtime="python3.12", Handler="app.handler",
                        Role="arn:aws:iam::123456789012:role/hello", Code={"ZipFile": hello_zip()})
    lam.publish_version(FunctionName="hello")
    lam.create_alias(FunctionName="hello", Name="live", FunctionVersion="1")
    lam.add_permission(FunctionName="hello", StatementId="apigw",
                       Principal="apigateway.amazonaws.com", Action="lambda:InvokeFunction")
    lam.create_function_url_config(FunctionName="hello", Qualifier="live", AuthType="NONE")
    return ids


def hello_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 'hello'\n")
    return buffer.getvalue()


def test_replayed_journal_rebuilds_the_exact_state(tmp_path):
    with mock_apigateway() as first:
        control.open_state(first.instance, str(tmp_path))
        client = boto3.client("apigateway", region_name="us-east-1")
        build_everything(client)
        boto3.client("apigateway", region_name="eu-west-1").create_rest_api(name="elsewhere")
        expected = first.instance.dump()
        crash(first)
    assert len(journal_rows(tmp_path)) == 20
    with mock_apigateway() as second:
        control.open_state(second.instance, str(tmp_path))
        assert second.instance.dump() == expected  # ids, dates, certificates: all the same
        lam = boto3.client("lambda", region_name="us-east-1")
        assert lam.invoke(FunctionName="hello:live")["Payload"].read() == b'"hello"'
    assert journal_rows(tmp_path) == []  # restoring snapshots and empties the journal


def build_v2(client) -> dict:
    """A bit of every kind of apigatewayv2 state: HTTP and WebSocket APIs, their routes,
    integrations, responses, authorizers, models, stages and (auto-)deployments."""
    http = client.create_api(Name="quick", ProtocolType="HTTP", Target=V2_TARGET,
                             CorsConfiguration={"AllowOrigins": ["*"]})["ApiId"]
    authorizer = client.create_authorizer(
        ApiId=http, AuthorizerType="JWT", Name="jwt",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": "https://issuer.example", "Audience": ["app"]})
    proxy = client.create_integration(ApiId=http, IntegrationType="HTTP_PROXY",
                                      IntegrationUri="https://example.com",
                                      RequestParameters={"append:header.x": "$context.requestId"})
    route = client.create_route(ApiId=http, RouteKey="GET /me", AuthorizationType="JWT",
                                AuthorizerId=authorizer["AuthorizerId"],
                                Target=f"integrations/{proxy['IntegrationId']}")
    client.update_route(ApiId=http, RouteId=route["RouteId"], AuthorizationScopes=["read"])
    client.create_stage(ApiId=http, StageName="dev", StageVariables={"v": "1"})
    client.create_deployment(ApiId=http, StageName="dev", Description="manual")
    ws = client.create_api(Name="chat", ProtocolType="WEBSOCKET",
                           RouteSelectionExpression="$request.body.action")["ApiId"]
    client.create_model(ApiId=ws, Name="Msg", Schema='{"type": "object"}')
    mock = client.create_integration(ApiId=ws, IntegrationType="MOCK")
    client.create_integration_response(ApiId=ws, IntegrationId=mock["IntegrationId"],
                                       IntegrationResponseKey="$default")
    send = client.create_route(ApiId=ws, RouteKey="send", RequestModels={"$default": "Msg"},
                               Target=f"integrations/{mock['IntegrationId']}")
    client.create_route_response(ApiId=ws, RouteId=send["RouteId"], RouteResponseKey="$default")
    client.create_stage(ApiId=ws, StageName="prod", AutoDeploy=True)
    return {"http": http, "ws": ws}


def test_replayed_journal_rebuilds_v2_state_exactly(tmp_path):
    with mock_apigateway() as first:
        control.open_state(first.instance, str(tmp_path))
        client = boto3.client("apigatewayv2", region_name="us-east-1")
        ids = build_v2(client)
        with pytest.raises(ClientError):  # refused: not journaled, nothing changed
            client.create_route(ApiId=ids["http"], RouteKey="GET /me")
        expected = first.instance.dump()
        crash(first)
    assert len(journal_rows(tmp_path)) == 14
    with mock_apigateway() as second:
        control.open_state(second.instance, str(tmp_path))
        assert second.instance.dump() == expected  # ids, dates, snapshots: all the same
        client = boto3.client("apigatewayv2", region_name="us-east-1")
        stage = client.get_stage(ApiId=ids["ws"], StageName="prod")
        assert client.get_deployment(ApiId=ids["ws"], DeploymentId=stage["DeploymentId"])[
            "AutoDeployed"] is True


def test_reads_and_failed_calls_are_not_journaled(tmp_path):
    with mock_apigateway() as mock:
        control.open_state(mock.instance, str(tmp_path))
        client = boto3.client("apigateway", region_name="us-east-1")
        api_id = client.create_rest_api(name="one")["id"]
        client.get_rest_api(restApiId=api_id)
        client.get_rest_apis()
        with pytest.raises(ClientError):
            client.delete_rest_api(restApiId="missing")
        with pytest.raises(ClientError):
            client.create_resource(restApiId=api_id, parentId="nope", pathPart="x")
        assert journal_rows(tmp_path) == [("apigateway", "CreateRestApi")]


def test_a_store_is_snapshotted_every_n_calls(tmp_path):
    with mock_apigateway() as mock:
        control.open_state(mock.instance, str(tmp_path), snapshot_every=4)
        client = boto3.client("apigateway", region_name="us-east-1")
        for n in range(10):
            client.create_rest_api(name=f"api{n}")
        assert len(journal_rows(tmp_path)) == 2  # 10 calls: snapshots after 4 and 8
        expected = mock.instance.dump()
        crash(mock)
    with mock_apigateway() as again:
        control.open_state(again.instance, str(tmp_path))
        assert again.instance.dump() == expected


def test_a_clean_stop_snapshots_and_a_restart_restores(tmp_path):
    with mock_apigateway() as mock:
        control.open_state(mock.instance, str(tmp_path))
        client = boto3.client("apigateway", region_name="us-east-1")
        api_id = client.create_rest_api(name="kept")["id"]
    assert journal_rows(tmp_path) == []
    with mock_apigateway() as again:
        control.open_state(again.instance, str(tmp_path))
        client = boto3.client("apigateway", region_name="us-east-1")
        assert client.get_rest_api(restApiId=api_id)["name"] == "kept"


def test_reset_and_load_are_durable(tmp_path):
    with mock_apigateway() as mock:
        control.open_state(mock.instance, str(tmp_path))
        client = boto3.client("apigateway", region_name="us-east-1")
        client.create_rest_api(name="before")
        dump = mock.instance.dump()
        mock.instance.reset()
        crash(mock)
    with mock_apigateway() as again:
        control.open_state(again.instance, str(tmp_path))
        client = boto3.client("apigateway", region_name="us-east-1")
        assert client.get_rest_apis()["items"] == []
        again.instance.load(dump)
        crash(again)
    with mock_apigateway() as third:
        control.open_state(third.instance, str(tmp_path))
        client = boto3.client("apigateway", region_name="us-east-1")
        assert [a["name"] for a in client.get_rest_apis()["items"]] == ["before"]


def test_one_state_directory_serves_one_process(tmp_path):
    first = StateFile(str(tmp_path))
    try:
        with pytest.raises(StateDirError, match="is in use by another mockgw process"):
            StateFile(str(tmp_path))
    finally:
        first.close()
    StateFile(str(tmp_path)).close()  # free again


def test_a_state_directory_of_another_format_is_refused(tmp_path):
    StateFile(str(tmp_path)).close()
    with sqlite3.connect(tmp_path / DATABASE) as db:
        db.execute("UPDATE meta SET value='99' WHERE key='format'")
    with pytest.raises(StateDirError, match="holds format 99; this mockgw reads format 1"):
        StateFile(str(tmp_path))


def test_an_unusable_state_directory_stops_the_server_with_a_message(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    done = subprocess.run([sys.executable, "-m", "mockgw", "serve", "--port", "0",
                           "--state-dir", str(tmp_path / "file")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith(f"mockgw: cannot use state directory {tmp_path / 'file'}: ")


def _writer(url: str, region: str, acked: list[tuple[str, str]], enough: threading.Event,
            stop: threading.Event) -> None:
    """Create REST APIs, API keys and quick-created HTTP APIs until the server dies, noting
    each one acknowledged."""
    settings = {"endpoint_url": url, "region_name": region, "aws_access_key_id": "testing",
                "aws_secret_access_key": "testing",
                "config": Config(retries={"max_attempts": 1}, connect_timeout=2,
                                 read_timeout=5)}
    client = boto3.client("apigateway", **settings)
    v2 = boto3.client("apigatewayv2", **settings)
    n = 0
    while not stop.is_set():
        n += 1
        try:
            if n % 3 == 1:
                acked.append(("api", client.create_rest_api(name=f"{region}-{n}")["id"]))
            elif n % 3 == 2:
                acked.append(("v2", v2.create_api(Name=f"{region}-{n}", ProtocolType="HTTP",
                                                  Target=V2_TARGET)["ApiId"]))
            else:
                acked.append(("key", client.create_api_key(name=f"{region}-{n}")["id"]))
        except Exception:  # the server is gone: the stream ends
            return
        if len(acked) >= 40:
            enough.set()


def test_sigkill_mid_load_loses_no_acknowledged_write(tmp_path):
    state_dir = str(tmp_path / "state")
    server = ServerProcess(["--state-dir", state_dir, "--log-level", "WARNING"]).start()
    streams: dict[str, list[tuple[str, str]]] = {"us-east-1": [], "eu-west-1": []}
    enough = {region: threading.Event() for region in streams}
    stop = threading.Event()
    writers = [threading.Thread(target=_writer, args=(server.url, region, acked,
                                                      enough[region], stop))
               for region, acked in streams.items()]
    for writer in writers:
        writer.start()
    try:
        for event in enough.values():
            assert event.wait(60), "the writers could not write"
        server.stop(signal.SIGKILL)  # mid-stream: requests are in flight
    finally:
        stop.set()
        for writer in writers:
            writer.join(30)
    assert server.process is not None and server.process.returncode == -signal.SIGKILL

    with ServerProcess(["--state-dir", state_dir]) as again:
        for region, acked in streams.items():
            client = boto3.client("apigateway", endpoint_url=again.url, region_name=region,
                                  aws_access_key_id="testing",
                                  aws_secret_access_key="testing", config=NO_RETRIES)
            v2 = boto3.client("apigatewayv2", endpoint_url=again.url, region_name=region,
                              aws_access_key_id="testing", aws_secret_access_key="testing",
                              config=NO_RETRIES)
            found = {"api": {a["id"] for a in client.get_rest_apis(limit=500)["items"]},
                     "key": {k["id"] for k in client.get_api_keys(limit=500)["items"]},
                     "v2": {a["ApiId"] for a in v2.get_apis()["Items"]}}
            lost = [(kind, ident) for kind, ident in acked if ident not in found[kind]]
            assert not lost, f"{region}: acknowledged but lost after SIGKILL: {lost}"
            assert len(acked) >= 40
            for kind, ident in acked:  # each quick-created API came back whole, deployed
                if kind == "v2":
                    stage = v2.get_stage(ApiId=ident, StageName="$default")
                    v2.get_deployment(ApiId=ident, DeploymentId=stage["DeploymentId"])
                    assert len(v2.get_routes(ApiId=ident)["Items"]) == 1
        health = requests.get(f"{again.url}/_mockgw/health", timeout=5).json()
        assert health["stateDir"] == state_dir


def test_a_store_that_is_not_json_like_keeps_its_journal(tmp_path, caplog):
    with mock_apigateway() as mock:
        control.open_state(mock.instance, str(tmp_path), snapshot_every=2)
        mock.instance.backends.store("123456789012", "us-east-1").table("odd")["x"] = {1, 2}
        client = boto3.client("apigateway", region_name="us-east-1")
        client.create_rest_api(name="one")
        client.create_rest_api(name="two")  # a snapshot is due, and cannot be taken
        assert len(journal_rows(tmp_path)) == 2
        assert "cannot snapshot 123456789012/us-east-1 (state must be JSON-like, found set)" \
            in caplog.text
        mock.instance.backends.store("123456789012", "us-east-1").tables.pop("odd")
