"""WebSocket APIs: who may connect ($connect authorization: AWS_IAM, Lambda REQUEST
authorizers, API keys with usage plans) and the non-proxy integrations (HTTP with request
templates chosen by TemplateSelectionExpression, integration responses), with a real
client, in-process and against ``mockgw serve``."""

from __future__ import annotations

import json
import socket

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.backend import Reply
from tests.dataplane_support import access_log_lines
from tests.guards import EPOCH, freeze, presign, sign
from tests.lambda_support import create
from tests.websocket_support import ERROR_FRAME, WsApi, reply, websocket_url

AUTHORIZER = """
    def handler(event, context):
        token = event["queryStringParameters"].get("token")
        effect = "Allow" if token == "good" else "Deny"
        return {"principalId": "user-" + str(token),
                "policyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Action": "execute-api:Invoke", "Effect": effect,
                     "Resource": event["methodArn"]}]},
                "context": {"plan": "gold", "source": event["headers"].get("X-Source", "")}}
"""


def refused(api: WsApi, query: str = "", **kwargs) -> tuple[int, bytes]:
    with pytest.raises(InvalidStatus) as caught:
        api.connect(query, **kwargs)
    return caught.value.response.status_code, caught.value.response.body


def token_authorizer(api: WsApi, name: str, function_arn: str) -> str:
    """A REQUEST authorizer of ``api`` calling ``function_arn`` with the ``token`` query
    parameter as its identity source; its id."""
    return api.c.create_authorizer(
        ApiId=api.id, Name=name, AuthorizerType="REQUEST",
        AuthorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                      f"{function_arn}/invocations",
        IdentitySource=["route.request.querystring.token"])["AuthorizerId"]


def test_lambda_request_authorizer_on_connect(gw):
    api = WsApi(gw)
    arn = create(gw.client("lambda"), "auth", AUTHORIZER)["FunctionArn"]
    authorizer = token_authorizer(api, "tokens", arn)
    api.route("$connect", AuthorizationType="CUSTOM", AuthorizerId=authorizer)
    api.route("whoami", api.mock(reply='{"principal": "$context.authorizer.principalId", '
                                       '"plan": "$context.authorizer.plan", '
                                       '"source": "$context.authorizer.source"}'), two_way=True)
    assert refused(api)[0] == 401  # the identity source is missing: no call
    assert refused(api, "token=bad") == (403, b'{"message": "Forbidden"}')
    with api.connect("token=good", additional_headers={"X-Source": "test"}) as ws:
        ws.send(json.dumps({"action": "whoami"}))
        assert json.loads(reply(ws)) == {"principal": "user-good", "plan": "gold",
                                         "source": "test"}


#: An authorizer allowing the tokens listed in its ALLOWED variable; what it grants names
#: the connection it was asked about.
GATE = """
    import os
    def handler(event, context):
        token = event["queryStringParameters"].get("token")
        effect = "Allow" if token in os.environ["ALLOWED"].split(",") else "Deny"
        return {"principalId": "user-" + str(token),
                "policyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Action": "execute-api:Invoke", "Effect": effect,
                     "Resource": event["methodArn"]}]},
                "context": {"connection": event["requestContext"]["connectionId"]}}
"""


def test_connect_authorizer_runs_on_every_handshake(gw):
    api = WsApi(gw)
    functions = gw.client("lambda")
    arn = create(functions, "gate", GATE,
                 Environment={"Variables": {"ALLOWED": "good"}})["FunctionArn"]
    authorizer = token_authorizer(api, "gate", arn)
    api.route("$connect", AuthorizationType="CUSTOM", AuthorizerId=authorizer)
    api.route("whoami", api.mock(reply='{"granted": "$context.authorizer.connection", '
                                       '"connection": "$context.connectionId"}'),
              two_way=True)
    connections = []
    for _ in range(2):  # the same identity twice: asked about each connection
        with api.connect("token=good") as ws:
            ws.send(json.dumps({"action": "whoami"}))
            answer = json.loads(reply(ws))
            assert answer["granted"] == answer["connection"]
            connections.append(answer["connection"])
    assert connections[0] != connections[1]
    functions.update_function_configuration(FunctionName="gate",
                                            Environment={"Variables": {"ALLOWED": ""}})
    assert refused(api, "token=good") == (403, b'{"message": "Forbidden"}')  # nothing cached


def test_iam_authorization_on_connect(gw):
    freeze(gw, EPOCH)
    api = WsApi(gw)
    api.route("$connect", AuthorizationType="AWS_IAM")
    api.route("whoami", api.mock(reply='{"key": "$context.identity.accessKey"}'), two_way=True)
    assert refused(api) == (403, b'{"message": "Forbidden"}')
    url = api.url().replace("ws://", "http://")
    signed = {k: v for k, v in sign("GET", url).items() if k.lower() != "host"}
    with api.connect(additional_headers=signed) as ws:
        ws.send(json.dumps({"action": "whoami"}))
        assert json.loads(reply(ws)) == {"key": "AKIDEXAMPLE"}
    presigned = presign(url + "?room=1", access_key="AKIAPRESIGNED")  # as browsers connect
    with connect(presigned.replace("http://", "ws://"), open_timeout=10) as ws:
        ws.send(json.dumps({"action": "whoami"}))
        assert json.loads(reply(ws)) == {"key": "AKIAPRESIGNED"}


def test_api_keys_and_usage_plans(gw):
    api = WsApi(gw)
    api.route("$connect", ApiKeyRequired=True)
    api.route("ping", api.mock(reply='{"key": "$context.identity.apiKeyId"}'), two_way=True)
    rest = gw.client("apigateway")
    key = rest.create_api_key(name="k", enabled=True, value="secret-key-123456789")
    plan = rest.create_usage_plan(name="ws", apiStages=[{"apiId": api.id, "stage": "dev"}],
                                  quota={"limit": 3, "period": "DAY"})
    assert plan["apiStages"] == [{"apiId": api.id, "stage": "dev"}]
    rest.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    assert refused(api) == (403, b'{"message": "Forbidden"}')
    assert refused(api, additional_headers={"x-api-key": "wrong"})[0] == 403
    with api.connect(additional_headers={"x-api-key": "secret-key-123456789"}) as ws:
        ws.send(json.dumps({"action": "ping"}))  # the connect was the first request
        assert json.loads(reply(ws)) == {"key": key["id"]}
        ws.send(json.dumps({"action": "ping"}))
        reply(ws)
        ws.send(json.dumps({"action": "ping"}))  # the fourth: over the quota
        found = ERROR_FRAME.match(reply(ws))
        assert found is not None and found["message"] == "Limit Exceeded"
    usage = rest.get_usage(usagePlanId=plan["id"], startDate="2000-01-01",
                           endDate="2100-01-01")
    assert sum(sum(day) for day in usage["items"][key["id"]]) >= 3


def test_http_integration_with_templates_and_integration_responses(gw, backend):
    backend.replies["/orders"] = Reply(status=201, body=b'{"id": 7}')
    backend.replies["/fail"] = Reply(status=500, body=b'{"oops": true}')
    api = WsApi(gw)
    for key, path in (("order", "/orders"), ("fail", "/fail")):
        integration = api.integration(
            IntegrationType="HTTP", IntegrationMethod="POST",
            IntegrationUri=f"{backend.url}{path}",
            TemplateSelectionExpression="${request.body.kind}",
            RequestTemplates={"fancy": '{"wrapped": $input.json(\'$.item\'), '
                                       '"conn": "$context.connectionId"}'},
            PassthroughBehavior="WHEN_NO_MATCH")
        for response_key, template in (("/2\\d\\d/", '{"ok": $input.json(\'$.id\'), '
                                                     '"status": "$context.routeKey"}'),
                                       ("$default", '{"failed": true}')):
            api.c.create_integration_response(
                ApiId=api.id, IntegrationId=integration, IntegrationResponseKey=response_key,
                TemplateSelectionExpression="\\$default",
                ResponseTemplates={"$default": template})
        api.route(key, integration, two_way=True)
    with api.connect() as ws:
        ws.send(json.dumps({"action": "order", "kind": "fancy", "item": {"n": 1}}))
        assert json.loads(reply(ws)) == {"ok": 7, "status": "order"}
        sent = json.loads(backend.seen[-1].body)
        assert sent["wrapped"] == {"n": 1} and len(sent["conn"]) == 16
        plain = json.dumps({"action": "order", "kind": "plain"})
        ws.send(plain)  # no template for "plain": passed through
        assert json.loads(reply(ws)) == {"ok": 7, "status": "order"}
        assert backend.seen[-1].body == plain.encode()
        ws.send(json.dumps({"action": "fail"}))
        assert json.loads(reply(ws)) == {"failed": True}


def test_lambda_proxy_two_way_route_and_errors(gw):
    api = WsApi(gw)
    integration = api.function("answers", """
        def handler(event, context):
            body = event["body"]
            if body == "raise":
                raise ValueError("boom")
            return {"statusCode": 200, "body": "you said " + body}
    """)
    api.route("$default", integration, two_way=True)
    with api.connect() as ws:
        ws.send("hi")
        assert reply(ws) == "you said hi"
        ws.send("raise")
        found = ERROR_FRAME.match(reply(ws))
        assert found is not None and found["message"] == "Internal server error"


def test_host_form_and_subprotocol_chosen_by_connect(gw):
    api = WsApi(gw)
    integration = api.function("protocols", """
        def handler(event, context):
            offered = event["headers"].get("Sec-WebSocket-Protocol", "")
            if "chat.v2" not in offered:
                return {"statusCode": 400}
            return {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "chat.v2"}}
    """)
    api.route("$connect", integration)
    api.route("$default", api.mock(reply='{"domain": "$context.domainName"}'), two_way=True)
    base = websocket_url(gw, api.id, "dev").split("/_aws/")[0]
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as sock, \
            connect(f"ws://{api.id}.execute-api.localhost:{port}/dev", sock=sock,
                    subprotocols=["chat.v1", "chat.v2"], open_timeout=20) as ws:
        assert ws.subprotocol == "chat.v2"
        ws.send("hi")
        assert json.loads(reply(ws)) == {"domain": f"{api.id}.execute-api.localhost"}
    with pytest.raises(InvalidStatus) as refused:
        api.connect(subprotocols=["chat.v1"])
    assert refused.value.response.status_code == 400


def test_route_throttling_and_access_logs(gw):
    freeze(gw, EPOCH)
    api = WsApi(gw)
    api.route("ping", api.mock(reply='{"ok": true}'), two_way=True)
    api.c.update_stage(ApiId=api.id, StageName="dev",
                       RouteSettings={"ping": {"ThrottlingBurstLimit": 2,
                                               "ThrottlingRateLimit": 1.0}},
                       AccessLogSettings={"DestinationArn": "arn:aws:logs:us-east-1:"
                                          "123456789012:log-group:ws",
                                          "Format": "$context.eventType $context.routeKey "
                                                    "$context.connectionId $context.status"})
    with api.connect() as ws:
        for _ in range(2):
            ws.send(json.dumps({"action": "ping"}))
            assert json.loads(reply(ws)) == {"ok": True}
        ws.send(json.dumps({"action": "ping"}))  # the burst is spent: the clock stands still
        found = ERROR_FRAME.match(reply(ws))
        assert found is not None and found["message"] == "Too Many Requests"
        connection_id = found["id"]
    lines = access_log_lines(gw, api.id, "dev")
    assert f"CONNECT $connect {connection_id} 200" in lines
    assert f"MESSAGE ping {connection_id} 200" in lines
    assert f"MESSAGE ping {connection_id} 429" in lines


def test_lambda_non_proxy_integration_responses_by_error_message(gw):
    api = WsApi(gw)
    arn = create(gw.client("lambda"), "orders", """
        def handler(event, context):
            if event.get("fail"):
                raise ValueError("Bad order: " + event["fail"])
            return {"total": event["qty"] * 2}
    """)["FunctionArn"]
    integration = api.integration(
        IntegrationType="AWS", IntegrationMethod="POST",
        IntegrationUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}"
                       "/invocations",
        TemplateSelectionExpression="\\$default",
        RequestTemplates={"$default": '{"qty": $input.json(\'$.qty\'), '
                                      '"fail": "$input.path(\'$.fail\')"}'})
    for key, template in (("$default", '{"total": $input.json(\'$.total\')}'),
                          ("/Bad order.*/", '{"error": "$input.path(\'$.errorMessage\')"}')):
        api.c.create_integration_response(
            ApiId=api.id, IntegrationId=integration, IntegrationResponseKey=key,
            TemplateSelectionExpression="\\$default", ResponseTemplates={"$default": template})
    api.route("order", integration, two_way=True)
    with api.connect() as ws:
        ws.send(json.dumps({"action": "order", "qty": 21}))
        assert json.loads(reply(ws)) == {"total": 42}
        ws.send(json.dumps({"action": "order", "qty": 1, "fail": "no stock"}))
        assert json.loads(reply(ws)) == {"error": "Bad order: no stock"}
