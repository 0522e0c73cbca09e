"""WebSocket APIs on the data plane, with a real client (`websockets`), in-process and
against ``mockgw serve``: connecting and refusals, route selection, two-way routes, the
Lambda events, handlers posting back through the @connections API, the @connections API
from the test, limits on the frozen clock, and what AWS closes connections for."""

from __future__ import annotations

import contextlib
import json
import re
import socket
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from botocore.exceptions import ClientError
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.dataplane_support import access_log_lines
from tests.guards import advance, freeze
from tests.helpers import error_of
from tests.lambda_support import create_node, needs_node
from tests.websocket_support import (
    BAD_REQUEST_BODY_FRAME,
    ERROR_FRAME,
    WsApi,
    connection_ids,
    connections_request,
    eventually,
    management_client,
    only_connection,
    open_socket,
    reply,
)

#: A handler written as AWS's tutorials write them: it answers from the event and posts
#: back through the @connections API at https://{domainName}/{stage}.
POSTING = """
    import json, os, boto3
    def handler(event, context):
        rc = event["requestContext"]
        with open(os.environ["EVENTS"], "a") as out:
            out.write(json.dumps(event) + "\\n")
        if rc["eventType"] == "CONNECT":
            query = event.get("queryStringParameters") or {}
            if query.get("refuse"):
                return {"statusCode": int(query["refuse"]), "body": "not you"}
        if rc["eventType"] == "MESSAGE":
            client = boto3.client("apigatewaymanagementapi",
                                  endpoint_url=f"https://{rc['domainName']}/{rc['stage']}")
            client.post_to_connection(ConnectionId=rc["connectionId"],
                                      Data=("echo " + event["body"]).encode())
            info = client.get_connection(ConnectionId=rc["connectionId"])
            return {"statusCode": 200, "body": "source " + info["Identity"]["SourceIp"]}
        return {"statusCode": 200}
"""


def posting(api: WsApi, name: str, events: Path) -> str:
    """The integration of a :data:`POSTING` function ``name`` writing its events to
    ``events``."""
    integration = api.function(name, POSTING)
    api.gw.client("lambda").update_function_configuration(
        FunctionName=name, Environment={"Variables": {"EVENTS": str(events)}})
    return integration


def events_of(path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


@pytest.fixture
def chat(gw):
    """An API with a two-way ``ping`` route (MOCK), a one-way ``quiet`` route and nested
    selection through ``$request.body.action``."""
    api = WsApi(gw)
    api.route("ping", api.mock(reply='{"pong": "$context.connectionId", '
                                     '"route": "$context.routeKey"}'), two_way=True)
    api.route("quiet", api.mock(reply='{"never": "sent"}'))
    return api


def test_health_reports_the_websocket_url(gw):
    if gw.mode == "inprocess":
        url = gw.mock.websocket_url()
        assert gw.mock.instance.websocket_url == url
    else:
        url = gw.http.get(f"{gw.endpoint_url}/_mockgw/health", timeout=10).json()[
            "websocket_url"]
    assert re.match(r"^ws://127\.0\.0\.1:\d+$", url)


def test_route_selection_two_way_and_one_way_routes(chat):
    with chat.connect() as ws:
        connection_id = only_connection(chat.gw, chat.id)
        ws.send(json.dumps({"action": "ping"}))
        assert json.loads(reply(ws)) == {"pong": connection_id, "route": "ping"}
        ws.send(json.dumps({"action": "quiet"}))  # one-way: nothing comes back ...
        ws.send(json.dumps({"action": "ping", "n": 2}))  # ... so this answer is next
        assert json.loads(reply(ws))["route"] == "ping"


def test_no_route_and_no_default_is_aws_forbidden_frame(chat):
    with chat.connect() as ws:
        connection_id = only_connection(chat.gw, chat.id)
        for message in ("not json", json.dumps({"action": "unknown"}), json.dumps([1, 2]),
                        json.dumps({"action": "$connect"})):
            ws.send(message)
            found = ERROR_FRAME.match(reply(ws))
            assert found is not None
            assert (found["message"], found["id"]) == ("Forbidden", connection_id)


def test_default_route_takes_non_json_and_unmatched_messages(gw):
    api = WsApi(gw, route_selection="${request.body.data.kind}-v1")
    api.route("$default", api.mock(reply='{"route": "$context.routeKey"}'), two_way=True)
    api.route("chat-v1", api.mock(reply='{"route": "$context.routeKey"}'), two_way=True)
    with api.connect() as ws:
        ws.send(json.dumps({"data": {"kind": "chat"}}))
        assert json.loads(reply(ws)) == {"route": "chat-v1"}
        ws.send(json.dumps({"data": {"kind": "other"}}))
        assert json.loads(reply(ws)) == {"route": "$default"}
        ws.send("plain text")
        assert json.loads(reply(ws))["route"] == "$default"


def test_connect_refused_by_the_integration_status(gw):
    api = WsApi(gw)
    api.route("$connect", api.mock(status=401))
    with pytest.raises(InvalidStatus) as refused:
        api.connect()
    assert refused.value.response.status_code == 401
    assert connection_ids(gw, api.id) == []


def test_unknown_stage_or_api_is_refused_with_403(gw):
    api = WsApi(gw)
    base = api.url().rsplit("/", 1)[0]
    for url in (f"{base}/nostage", base.replace(api.id, "nosuchapi0") + "/dev"):
        with pytest.raises(InvalidStatus) as refused:
            open_socket(url)
        assert refused.value.response.status_code == 403
        assert json.loads(refused.value.response.body) == {"message": "Forbidden"}


def test_lambda_handlers_get_aws_events_and_post_back(gw, tmp_path):
    events = tmp_path / "events.jsonl"
    api = WsApi(gw)
    integration = posting(api, "chat", events)
    for key in ("$connect", "$disconnect"):
        api.route(key, integration)
    api.route("$default", integration, two_way=True)
    with api.connect("room=blue&room=red&token=t1",
                     additional_headers={"X-Custom": "yes"}) as ws:
        connection_id = only_connection(gw, api.id)
        ws.send("hello")
        assert reply(ws) == "echo hello"  # posted by the handler while it ran ...
        assert reply(ws) == "source 127.0.0.1"  # ... then the route's answer
    eventually(lambda: len(events_of(events)) == 3)
    connect, message, disconnect = events_of(events)
    context = connect["requestContext"]
    assert list(connect) == ["headers", "multiValueHeaders", "queryStringParameters",
                             "multiValueQueryStringParameters", "requestContext",
                             "isBase64Encoded"]
    assert connect["queryStringParameters"] == {"room": "red", "token": "t1"}
    assert connect["multiValueQueryStringParameters"] == {"room": ["blue", "red"],
                                                          "token": ["t1"]}
    assert connect["headers"]["X-Custom"] == "yes"
    assert connect["headers"]["Sec-WebSocket-Version"] == "13"
    assert connect["multiValueHeaders"]["X-Custom"] == ["yes"]
    assert connect["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert re.match(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$", connect["headers"]["X-Amzn-Trace-Id"])
    assert connect["isBase64Encoded"] is False
    assert list(context) == ["routeKey", "eventType", "extendedRequestId", "requestTime",
                             "messageDirection", "stage", "connectedAt", "requestTimeEpoch",
                             "identity", "requestId", "domainName", "connectionId", "apiId"]
    assert context["routeKey"] == "$connect" and context["eventType"] == "CONNECT"
    assert context["messageDirection"] == "IN" and context["stage"] == "dev"
    assert context["connectionId"] == connection_id and context["apiId"] == api.id
    assert context["domainName"] == f"{api.id}.execute-api.us-east-1.amazonaws.com"
    assert context["requestId"] == context["extendedRequestId"]
    assert re.match(r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$", context["requestTime"])
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"].startswith("Python/")
    assert isinstance(context["connectedAt"], int) and context["requestTimeEpoch"] >= \
        context["connectedAt"]
    assert list(message) == ["requestContext", "body", "isBase64Encoded"]
    assert message["body"] == "hello" and message["isBase64Encoded"] is False
    mc = message["requestContext"]
    assert (mc["routeKey"], mc["eventType"]) == ("$default", "MESSAGE")
    assert re.match(r"^[A-Za-z0-9]{15}=$", mc["messageId"])
    assert mc["connectedAt"] == context["connectedAt"]
    assert mc["requestId"] != context["requestId"]
    dc = disconnect["requestContext"]
    assert (dc["routeKey"], dc["eventType"]) == ("$disconnect", "DISCONNECT")
    assert (dc["disconnectStatusCode"], dc["disconnectReason"]) == (1000, "")
    assert disconnect["headers"] == {"Host": context["domainName"], "x-api-key": "",
                                     "X-Forwarded-For": "", "x-restapi": ""}
    assert "messageId" not in dc and "body" not in disconnect


def test_connect_lambda_refusal_and_client_close_without_status(gw, tmp_path):
    events = tmp_path / "events.jsonl"
    api = WsApi(gw)
    integration = posting(api, "gate", events)
    api.route("$connect", integration)
    api.route("$disconnect", integration)
    with pytest.raises(InvalidStatus) as refused:
        api.connect("refuse=403")
    assert refused.value.response.status_code == 403
    assert refused.value.response.body == b"not you"
    with api.connect() as ws, contextlib.suppress(ConnectionClosed), ws.send_context():
        ws.protocol.send_close()  # a close frame without a status code
    eventually(lambda: len(events_of(events)) == 3)
    last = events_of(events)[-1]["requestContext"]
    assert (last["disconnectStatusCode"], last["disconnectReason"]) == \
        (1005, "Client-side close frame status not set")
    with api.connect() as ws:  # the server closes: $disconnect runs too
        api.management().delete_connection(ConnectionId=only_connection(gw, api.id))
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=20)
    eventually(lambda: len(events_of(events)) == 5)
    last = events_of(events)[-1]["requestContext"]
    assert (last["eventType"], last["disconnectStatusCode"], last["disconnectReason"]) == \
        ("DISCONNECT", 1000, "Connection was closed by the server")


def test_management_api_from_the_test(chat):
    gw = chat.gw
    forms = ["aws"] if gw.mode == "inprocess" else ["aws", "host", "root"]
    for form in forms:
        client = chat.management(form)
        with chat.connect() as ws:
            connection_id = only_connection(gw, chat.id)
            client.post_to_connection(ConnectionId=connection_id, Data=b'{"from": "test"}')
            assert reply(ws) == '{"from": "test"}'
            found = client.get_connection(ConnectionId=connection_id)
            assert found["Identity"]["SourceIp"] == "127.0.0.1"
            assert found["Identity"]["UserAgent"].startswith("Python/")
            assert found["LastActiveAt"] >= found["ConnectedAt"]
            with pytest.raises(ClientError) as too_big:
                client.post_to_connection(ConnectionId=connection_id, Data=b"x" * 131073)
            assert too_big.value.response["Error"]["Code"] == "PayloadTooLargeException"
            assert too_big.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
            client.delete_connection(ConnectionId=connection_id)
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=20)
            assert closed.value.rcvd.code == 1000
            for operation, params in (
                    ("post_to_connection", {"ConnectionId": connection_id, "Data": b"late"}),
                    ("get_connection", {"ConnectionId": connection_id}),
                    ("delete_connection", {"ConnectionId": connection_id}),
                    ("get_connection", {"ConnectionId": "NeverWasThere1A="})):
                with pytest.raises(ClientError) as gone:
                    getattr(client, operation)(**params)
                assert gone.value.response["Error"]["Code"] == "GoneException"
                assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_management_api_reaches_only_its_own_api_and_stage(chat):
    gw = chat.gw
    chat.c.create_stage(ApiId=chat.id, StageName="prod", AutoDeploy=True)
    other = WsApi(gw, "other")
    forms = ["aws"] if gw.mode == "inprocess" else ["aws", "host"]
    with chat.connect() as ws:
        connection_id = only_connection(gw, chat.id)
        calls = (("post_to_connection", {"ConnectionId": connection_id, "Data": b"not yours"}),
                 ("get_connection", {"ConnectionId": connection_id}),
                 ("delete_connection", {"ConnectionId": connection_id}))
        for form in forms:
            # another API's endpoint, another stage of its API: as unknown as any id
            for client in (other.management(form), chat.management(form, stage="prod")):
                for operation, params in calls:
                    with pytest.raises(ClientError) as gone:
                        getattr(client, operation)(**params)
                    assert error_of(gone) == ("GoneException", "", 410)
            nowhere = chat.management(form, stage="nostage")  # a stage the API does not have
            for operation, params in calls:
                with pytest.raises(ClientError) as forbidden:
                    getattr(nowhere, operation)(**params)
                assert error_of(forbidden) == ("ForbiddenException", "Forbidden", 403)
        chat.management().post_to_connection(ConnectionId=connection_id, Data=b"yours")
        assert reply(ws) == "yours"  # the first frame it gets: nothing else reached it
        assert [(c["connectionId"], c["state"], c["messagesSent"])
                for c in connection_ids(gw, chat.id)] == [(connection_id, "OPEN", 1)]


def test_management_api_takes_the_url_encoded_form_of_aws_guide(chat):
    gw = chat.gw
    other = WsApi(gw, "other")
    forms = ["aws"] if gw.mode == "inprocess" else ["aws", "host"]
    for form in forms:
        with chat.connect() as ws:
            connection_id = only_connection(gw, chat.id)
            assert quote(connection_id, safe="").endswith("%3D")  # sent encoded too

            def call(method: str, api_id: str = chat.id, stage: str = "dev",
                     connection: str = connection_id, form: str = form, **kwargs):
                return connections_request(gw, method, api_id, stage, connection, form,
                                           **kwargs)

            posted = call("POST", data=b"hello world")
            assert (posted.status_code, posted.content) == (200, b"")
            assert reply(ws) == "hello world"
            found = call("GET")
            assert found.status_code == 200
            assert found.json()["identity"]["sourceIp"] == "127.0.0.1"
            assert found.json()["lastActiveAt"] >= found.json()["connectedAt"]
            for refused, answer in (
                    (call("POST", api_id=other.id, data=b"x"),
                     (410, "GoneException", {"message": ""})),
                    (call("POST", stage="prod", data=b"x"),
                     (403, "ForbiddenException", {"message": "Forbidden"})),
                    (call("POST", connection="", data=b"x"),  # no id: no operation
                     (403, "ForbiddenException", {"message": "Forbidden"}))):
                assert (refused.status_code, refused.headers["x-amzn-ErrorType"],
                        refused.json()) == answer
            deleted = call("DELETE")
            assert (deleted.status_code, deleted.content) == (204, b"")
            with pytest.raises(ConnectionClosed) as closed:
                ws.recv(timeout=20)
            assert closed.value.rcvd.code == 1000
            assert call("GET").status_code == 410
    encoding = management_client(gw, chat.id, "dev", encoded=True)  # boto3, as awscurl sends
    with chat.connect() as ws:
        connection_id = only_connection(gw, chat.id)
        encoding.post_to_connection(ConnectionId=connection_id, Data=b"from boto3")
        assert reply(ws) == "from boto3"
        assert encoding.get_connection(
            ConnectionId=connection_id)["Identity"]["SourceIp"] == "127.0.0.1"
        with pytest.raises(ClientError) as gone:
            management_client(gw, other.id, "dev", encoded=True).get_connection(
                ConnectionId=connection_id)
        assert error_of(gone) == ("GoneException", "", 410)
        encoding.delete_connection(ConnectionId=connection_id)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=20)
        assert closed.value.rcvd.code == 1000


def test_idle_timeout_and_duration_on_the_frozen_clock(chat):
    gw = chat.gw
    freeze(gw)
    with chat.connect() as ws:
        advance(gw, 599)
        ws.send(json.dumps({"action": "ping"}))  # activity: the idle time starts over
        reply(ws)
        advance(gw, 599)
        ws.send(json.dumps({"action": "ping"}))
        reply(ws)
        advance(gw, 601)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=20)
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1001, "Going away")
    listed = eventually(lambda: [c for c in connection_ids(gw, chat.id)
                                 if c["state"] == "CLOSED"])
    assert (listed[0]["closeCode"], listed[0]["closeReason"]) == (1001, "Going away")
    with chat.connect() as ws:  # two hours at most, however active
        for _ in range(13):
            advance(gw, 550)
            ws.send(json.dumps({"action": "ping"}))
            reply(ws)
        advance(gw, 100)  # 7250 s since it connected, 100 s since its last message
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=20)
        assert closed.value.rcvd.code == 1001


def test_oversized_and_malformed_frames_close_as_aws_does(chat):
    with chat.connect() as ws:  # a 40 KB frame: over the 32 KB frame limit
        with contextlib.suppress(ConnectionClosed):
            ws.send(json.dumps({"action": "ping", "pad": "x" * 40000}))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=20)
        assert closed.value.rcvd.code == 1009
    with chat.connect() as ws:  # 160 KB in 5 KB frames: over the 128 KB message limit
        with contextlib.suppress(ConnectionClosed):  # closed while it sends
            ws.send(["x" * 5000 for _ in range(32)])
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=20)
        assert closed.value.rcvd.code == 1009
    with chat.connect() as ws:  # 100 KB in 25 KB frames is fine
        text = json.dumps({"action": "ping", "pad": "x" * 100000})
        ws.send([text[i:i + 25000] for i in range(0, len(text), 25000)])
        assert json.loads(reply(ws))["route"] == "ping"
    with chat.connect() as ws:  # AWS takes no binary frames
        ws.send(b"\x00\x01")
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=20)
        assert closed.value.rcvd.code == 1003
    with chat.connect() as ws:  # invalid UTF-8 in a text frame
        with ws.send_context():
            ws.protocol.send_text(b"\xff\xfe")
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=20)
        assert closed.value.rcvd.code == 1007
    with chat.connect() as ws:  # the server is unharmed
        ws.send(json.dumps({"action": "ping"}))
        assert json.loads(reply(ws))["route"] == "ping"
    eventually(lambda: {1009, 1003, 1007} <= {
        c["closeCode"] for c in connection_ids(chat.gw, chat.id) if c["state"] == "CLOSED"})


def test_connections_admin_listing(chat):
    with chat.connect() as ws:
        connection_id = only_connection(chat.gw, chat.id)
        ws.send(json.dumps({"action": "ping"}))
        reply(ws)
        listed = connection_ids(chat.gw, chat.id)
        assert listed[0]["connectionId"] == connection_id
        assert {k: listed[0][k] for k in ("apiId", "stage", "state", "messagesReceived",
                                          "messagesSent")} == {
            "apiId": chat.id, "stage": "dev", "state": "OPEN", "messagesReceived": 1,
            "messagesSent": 1}
    assert connection_ids(chat.gw, "otherapi00") == []


@needs_node
def test_node_handlers_reach_the_connections_api_at_aws_url(gw):
    api = WsApi(gw)
    arn = create_node(gw.client("lambda"), "node-echo", """
        const https = require("https");
        exports.handler = async (event) => {
          const rc = event.requestContext;
          const body = Buffer.from("node says " + event.body);
          const url = `https://${rc.domainName}/${rc.stage}/@connections/` +
                      encodeURIComponent(rc.connectionId);
          const status = await new Promise((resolve, reject) => {
            const req = https.request(url, { method: "POST",
                                             headers: { "content-length": body.length } },
                                      (res) => { res.resume(); resolve(res.statusCode); });
            req.on("error", reject);
            req.end(body);
          });
          return { statusCode: 200, body: "posted " + status };
        };
    """)["FunctionArn"]
    api.route("$default", api.integration(IntegrationType="AWS_PROXY", IntegrationUri=arn),
              two_way=True)
    with api.connect() as ws:
        ws.send("hi")
        assert reply(ws) == "node says hi"
        assert reply(ws) == "posted 200"


def test_pytest_fixture_helper_gives_the_url_of_a_stage(mockgw, mockgw_websocket_url):
    import boto3

    v2 = boto3.client("apigatewayv2", region_name="eu-west-1")
    api = v2.create_api(Name="fx", ProtocolType="WEBSOCKET",
                        RouteSelectionExpression="$request.body.action")["ApiId"]
    v2.create_route(ApiId=api, RouteKey="other")  # deploying takes at least one route
    v2.create_stage(ApiId=api, StageName="prod", AutoDeploy=True)
    url = mockgw_websocket_url(api, "prod")
    assert re.match(rf"^ws://127\.0\.0\.1:\d+/_aws/execute-api/{api}/prod$", url)
    with open_socket(url) as ws:
        ws.send("anything")  # not JSON, and no $default route: AWS's frame
        assert ERROR_FRAME.match(reply(ws))["message"] == "Forbidden"


def test_a_client_that_does_not_read_blocks_no_one(chat):
    client = chat.management()
    with chat.connect(max_queue=1) as stalled:
        stalled_id = only_connection(chat.gw, chat.id)
        payload = b"x" * 65536
        for _ in range(100):  # 6.4 MB that nobody reads: each call returns at once
            client.post_to_connection(ConnectionId=stalled_id, Data=payload)
        with chat.connect() as lively:
            for _ in range(20):
                lively.send(json.dumps({"action": "ping"}))
                assert json.loads(reply(lively))["route"] == "ping"
        assert len(stalled.recv(timeout=20)) == 65536  # all of it is still on its way


def test_model_selection_expression_validates_messages(gw):
    api = WsApi(gw)
    pizza = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
             "required": ["kind", "size"],
             "properties": {"size": {"type": "string", "enum": ["S", "L"]}}}
    for name, schema in (("Pizza", pizza), ("Anything", {"type": "object"})):
        api.c.create_model(ApiId=api.id, Name=name, ContentType="application/json",
                           Schema=json.dumps(schema))
    echo = '{"route": "$context.routeKey"}'
    api.route("order", api.mock(reply=echo), two_way=True,
              ModelSelectionExpression="$request.body.kind",
              RequestModels={"pizza": "Pizza", "$default": "Anything"})
    api.route("strict", api.mock(reply=echo), two_way=True,
              ModelSelectionExpression="$request.body.kind", RequestModels={"pizza": "Pizza"})
    api.c.update_stage(ApiId=api.id, StageName="dev", AccessLogSettings={
        "DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:ws",
        "Format": "$context.messageId $context.status $context.error.message"})
    with api.connect() as ws:
        connection_id = only_connection(gw, api.id)
        ws.send(json.dumps({"action": "order", "kind": "pizza", "size": "L"}))
        assert json.loads(reply(ws)) == {"route": "order"}
        ws.send(json.dumps({"action": "order", "kind": "salad"}))  # the $default model
        assert json.loads(reply(ws)) == {"route": "order"}
        refusals = []
        for refused in ({"action": "order", "kind": "pizza"},  # no size
                        {"action": "order", "kind": "pizza", "size": "XL"},
                        {"action": "strict", "kind": "salad"}):  # no model, no $default
            ws.send(json.dumps(refused))
            found = BAD_REQUEST_BODY_FRAME.match(reply(ws))  # the guide's frame
            assert found is not None and found["id"] == connection_id, refused
            refusals.append(found["message"])
        ws.send(json.dumps({"action": "strict", "kind": "pizza", "size": "S"}))
        assert json.loads(reply(ws)) == {"route": "strict"}
    # each frame names its message: the id $context.messageId has for it
    lines = access_log_lines(gw, api.id, "dev")
    assert [f"{message} 400 Bad request body" for message in refusals] == [
        line for line in lines if " 400 " in line]


def test_custom_domain_names_reach_websocket_apis_through_api_mappings(gw):
    api = WsApi(gw)
    api.route("$default", api.mock(reply='{"api": "$context.apiId", '
                                         '"domain": "$context.domainName", '
                                         '"stage": "$context.stage"}'), two_way=True)
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    api.c.create_domain_name(DomainName="ws.example.com",
                             DomainNameConfigurations=[{"CertificateArn": cert}])
    api.c.create_api_mapping(DomainName="ws.example.com", ApiId=api.id, Stage="dev",
                             ApiMappingKey="chat")
    netloc = urlsplit(api.url()).netloc
    port = int(netloc.rsplit(":", 1)[1])

    def through_domain(path: str):  # the TCP connection to mockgw, the Host of the domain
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        return open_socket(f"ws://ws.example.com:{port}{path}", sock=sock)

    with through_domain("/chat") as ws:
        ws.send("hello")
        assert json.loads(reply(ws)) == {"api": api.id, "domain": "ws.example.com",
                                         "stage": "dev"}
    with pytest.raises(InvalidStatus) as refused:  # no mapping for this base path
        through_domain("/other").close()
    assert refused.value.response.status_code == 403
