"""Resource policies (alone and with IAM) and private APIs on the data plane."""

from __future__ import annotations

import json

import pytest

from mockgw.execute.policy import Caller, combine, evaluate, parse_policy
from tests.guards import EPOCH, Api, expect_error, freeze, sign

OWNER = "123456789012"
VPCE = "vpce-1a2b3c4d"


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(effect: str, resource: str = "execute-api:/*", principal: object = "*",
              **extra: object) -> dict:
    return {"Effect": effect, "Principal": principal, "Action": "execute-api:Invoke",
            "Resource": resource, **extra}


def guarded(gw, c, document: str | None, *, endpoint: str = "REGIONAL",
            auth: str = "NONE") -> Api:
    kwargs = {"endpointConfiguration": {"types": [endpoint]}}
    if document is not None:
        kwargs["policy"] = document
    api = Api(gw, c, **kwargs)
    api.mock("/items", "GET", authorizationType=auth)
    api.mock("/items/{id}", "GET", authorizationType=auth)
    api.mock("/open", "GET", authorizationType=auth)
    return api.deploy()


def denied(api: Api, path: str, *, method: str = "GET", who: str = "anonymous",
           explicit: bool = False) -> str:
    """AWS's message for a request the policy does not let in."""
    return (f"User: {who} is not authorized to perform: execute-api:Invoke on resource: "
            f"arn:aws:execute-api:us-east-1:********9012:{api.id}/dev/{method}/"
            f"{path.lstrip('/')} " + ("with an explicit deny in a resource-based policy"
                                      if explicit else "because no resource-based policy "
                                                       "allows the execute-api:Invoke action"))


def expect_denied(response, message: str) -> None:
    expect_error(response, 403, "AccessDeniedException", message, key="Message")


def test_policy_only_decision_table(gw):
    c = gw.client()
    api = guarded(gw, c, policy(
        statement("Allow", "execute-api:/*/GET/items*"),
        statement("Deny", "execute-api:/dev/GET/items/secret")))
    assert api.get("/items").status_code == 200
    assert api.get("/items/1").status_code == 200
    expect_denied(api.get("/items/secret"), denied(api, "/items/secret", explicit=True))
    expect_denied(api.get("/open"), denied(api, "/open"))  # neither: implicitly denied


def test_wildcards_and_full_arns(gw):
    c = gw.client()
    api = Api(gw, c)
    api.mock("/items")
    api.mock("/itemsX")
    api.mock("/item")
    c.update_rest_api(restApiId=api.id, patchOperations=[{
        "op": "replace", "path": "/policy", "value": policy(statement(
            "Allow", f"arn:aws:execute-api:us-east-1:*:{api.id}/*/GET/item?"))}])
    api.deploy()
    assert api.get("/items").status_code == 200
    expect_denied(api.get("/itemsX"), denied(api, "/itemsX"))
    expect_denied(api.get("/item"), denied(api, "/item"))


@pytest.mark.parametrize(("operator", "networks", "forwarded_for", "status"), [
    ("IpAddress", ["127.0.0.0/8"], None, 403),
    ("IpAddress", ["127.0.0.0/8"], "203.0.113.9", 200),
    ("IpAddress", ["203.0.113.0/24", "198.51.100.0/24"], "203.0.113.9", 403),
    ("NotIpAddress", ["10.0.0.0/8"], None, 403),
    ("NotIpAddress", ["10.0.0.0/8"], "10.1.2.3", 200),
])
def test_source_ip_conditions(gw, operator, networks, forwarded_for, status):
    c = gw.client()
    api = guarded(gw, c, policy(
        statement("Allow"),
        statement("Deny", Condition={operator: {"aws:SourceIp": networks}})))
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = api.get(headers=headers)
    if status == 200:
        assert response.status_code == 200
    else:
        expect_denied(response, denied(api, "/items", explicit=True))


def test_policy_changes_need_a_deployment(gw):
    c = gw.client()
    api = guarded(gw, c, None)
    c.update_rest_api(restApiId=api.id, patchOperations=[
        {"op": "replace", "path": "/policy", "value": policy(statement("Deny"))}])
    assert api.get().status_code == 200  # the stage still serves the old deployment
    api.deploy()
    expect_denied(api.get(), denied(api, "/items", explicit=True))


# -- with IAM ----------------------------------------------------------------------------------

def iam_get(gw, api: Api, access_key: str, path: str = "/items"):
    url = api.url(path)
    return gw.http.get(url, headers=sign("GET", url, access_key=access_key), timeout=10)


def test_iam_and_policy_tables_a_and_b(gw):
    """Same account: IAM allows unless the policy denies.  Another account: the policy
    must allow too."""
    c = gw.client()
    partner, stranger = "210987654321", "111122223333"
    api = guarded(gw, c, policy(
        statement("Allow", principal={"AWS": f"arn:aws:iam::{partner}:root"}),
        statement("Deny", "execute-api:/*/GET/open",
                  principal={"AWS": f"arn:aws:iam::{OWNER}:user/AKIAINTERN"})),
        auth="AWS_IAM")
    freeze(gw, EPOCH)
    cases = [  # access key, path, expected: None (200) or (who, explicit)
        ("AKIAOWNERUSER", "/items", None),  # table A: IAM allow + policy neither
        ("AKIAINTERN", "/items", None),
        ("AKIAINTERN", "/open", (f"arn:aws:iam::{OWNER}:user/AKIAINTERN", True)),
        (partner, "/items", None),  # table B: both allow
        (stranger, "/items", (f"arn:aws:iam::{stranger}:user/{stranger}", False)),
    ]
    for key, path, outcome in cases:
        response = iam_get(gw, api, key, path)
        if outcome is None:
            assert response.status_code == 200, (key, path, response.text)
        else:
            who, explicit = outcome
            expect_denied(response, denied(api, path, who=who, explicit=explicit))
    # anonymous callers never reach an IAM method, whatever the policy says
    expect_error(api.get(), 403, "MissingAuthenticationTokenException",
                 "Missing Authentication Token")


def test_principals_name_accounts_and_users(gw):
    c = gw.client()
    api = guarded(gw, c, policy(statement("Allow", principal={"AWS": [
        "210987654321", f"arn:aws:iam::{'3' * 12}:user/{'3' * 12}"]})), auth="AWS_IAM")
    freeze(gw, EPOCH)
    assert iam_get(gw, api, "210987654321").status_code == 200
    assert iam_get(gw, api, "3" * 12).status_code == 200
    assert iam_get(gw, api, "4" * 12).status_code == 403


def test_a_policy_naming_only_iam_principals_keeps_anonymous_callers_out(gw):
    c = gw.client()
    api = guarded(gw, c, policy(statement("Allow", principal={"AWS": OWNER})))
    expect_denied(api.get(), denied(api, "/items"))


# -- private APIs ----------------------------------------------------------------------------

def via_host(gw, host: str, path: str, **kwargs):
    """A request to ``host`` (its own URL in-process, the server with a Host header)."""
    if gw.mode == "inprocess":
        return gw.http.get(f"https://{host}{path}", timeout=10, **kwargs)
    headers = {"Host": host, **kwargs.pop("headers", {})}
    return gw.http.get(gw.endpoint_url + path, headers=headers, timeout=10, **kwargs)


PRIVATE_POLICY = policy(
    statement("Allow"),
    statement("Deny", Condition={"StringNotEquals": {"aws:SourceVpce": VPCE}}))


def test_private_apis_answer_only_through_a_vpc_endpoint(gw):
    c = gw.client()
    api = guarded(gw, c, PRIVATE_POLICY, endpoint="PRIVATE")
    expect_error(api.get(), 403, "ForbiddenException", "Forbidden")
    expect_error(api.get("/nowhere"), 403, "ForbiddenException", "Forbidden")
    response = via_host(gw, f"{api.id}-{VPCE}.execute-api.us-east-1.vpce.amazonaws.com",
                        "/dev/items")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    response = via_host(gw, f"{VPCE}-0x1y2z3w.execute-api.us-east-1.vpce.amazonaws.com",
                        "/dev/items", headers={"x-apigw-api-id": api.id})
    assert response.status_code == 200
    assert api.get(headers={"x-mockgw-vpce-id": VPCE}).status_code == 200


def test_private_api_policy_decides_which_endpoints(gw):
    c = gw.client()
    api = guarded(gw, c, PRIVATE_POLICY, endpoint="PRIVATE")
    other = via_host(gw, f"{api.id}-vpce-99999999.execute-api.us-east-1.vpce.amazonaws.com",
                     "/dev/items")
    expect_denied(other, denied(api, "/items", explicit=True))


def test_private_api_without_a_policy_is_not_deployed(gw):
    from botocore.exceptions import ClientError

    from tests.helpers import error_of

    c = gw.client()
    api = Api(gw, c, endpointConfiguration={"types": ["PRIVATE"]})
    api.mock("/items", "GET")
    with pytest.raises(ClientError) as exc:
        api.deploy()
    assert error_of(exc) == ("BadRequestException",
                             "Private REST API doesn't have a resource policy attached to it",
                             400)
    assert c.get_deployments(restApiId=api.id)["items"] == []


def test_source_vpc_condition(gw):
    c = gw.client()
    api = guarded(gw, c, policy(statement("Allow", Condition={
        "StringEquals": {"aws:SourceVpc": "vpc-2f09a348"}})), endpoint="PRIVATE")
    headers = {"x-mockgw-vpce-id": VPCE}
    assert api.get(headers={**headers, "x-mockgw-vpc-id": "vpc-2f09a348"}).status_code == 200
    expect_denied(api.get(headers={**headers, "x-mockgw-vpc-id": "vpc-other"}),
                  denied(api, "/items"))
    expect_denied(api.get(headers=headers), denied(api, "/items"))


def test_public_apis_are_not_reachable_through_a_vpc_endpoint(gw):
    c = gw.client()
    api = guarded(gw, c, None)
    response = via_host(gw, f"{api.id}-{VPCE}.execute-api.us-east-1.vpce.amazonaws.com",
                        "/dev/items")
    expect_error(response, 403, "ForbiddenException", "Forbidden")


# -- the evaluation itself -------------------------------------------------------------------

ARN = f"arn:aws:execute-api:us-east-1:{OWNER}:abc123/dev/GET/pets/7"
PREFIX = f"arn:aws:execute-api:us-east-1:{OWNER}:abc123/"
ANONYMOUS = Caller(None, None, "192.0.2.10", None, None)
ALICE = Caller(f"arn:aws:iam::{OWNER}:user/alice", OWNER, "192.0.2.10", VPCE, "vpc-1")


@pytest.mark.parametrize(("stmt", "caller", "expected"), [
    (statement("Allow"), ANONYMOUS, "Allow"),
    (statement("Allow", "execute-api:/dev/GET/pets/*"), ANONYMOUS, "Allow"),
    (statement("Allow", "execute-api:/dev/POST/*"), ANONYMOUS, "Neither"),
    ({**statement("Allow"), "Action": "execute-api:*"}, ANONYMOUS, "Allow"),
    ({**statement("Allow"), "Action": "EXECUTE-API:invoke"}, ANONYMOUS, "Allow"),
    ({**statement("Allow"), "Action": "execute-api:ManageConnections"}, ANONYMOUS, "Neither"),
    ({"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{OWNER}:user/alice"},
      "Action": "execute-api:Invoke", "Resource": "*"}, ALICE, "Neither"),
    ({"Effect": "Deny", "Principal": "*", "NotAction": "execute-api:Invoke", "Resource": "*"},
     ALICE, "Neither"),
    ({"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
      "NotResource": "execute-api:/dev/GET/pets/*"}, ALICE, "Neither"),
    (statement("Allow", Condition={"StringLike": {"aws:SourceVpce": "vpce-1a2b*"}}), ALICE,
     "Allow"),
    (statement("Allow", Condition={"StringEqualsIfExists": {"aws:SourceVpce": "vpce-x"}}),
     ANONYMOUS, "Allow"),  # no endpoint: ...IfExists holds
    (statement("Allow", Condition={"StringEquals": {"aws:SourceVpce": "vpce-x"}}), ANONYMOUS,
     "Neither"),  # no endpoint: a positive operator fails
    (statement("Deny", Condition={"StringNotEquals": {"aws:sourcevpce": VPCE}}), ANONYMOUS,
     "Deny"),  # ... and a negated one holds (keys ignore case)
    (statement("Allow", Condition={"StringEquals": {"aws:PrincipalAccount": OWNER},
                                   "IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}), ALICE,
     "Allow"),  # every condition must hold
    (statement("Allow", Condition={"StringEquals": {"aws:PrincipalAccount": OWNER},
                                   "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}), ALICE,
     "Neither"),
    (statement("Allow", Condition={"NumericLessThan": {"aws:EpochTime": "1"}}), ALICE,
     "Neither"),  # operators mockgw does not know never hold
])
def test_evaluate(stmt, caller, expected):
    assert evaluate({"Statement": [stmt]}, caller, ARN, PREFIX) == expected


def test_deny_wins_and_policies_may_come_escaped():
    document = policy(statement("Allow"), statement("Deny", "execute-api:/*/GET/pets/7"))
    assert evaluate(parse_policy(document), ANONYMOUS, ARN, PREFIX) == "Deny"
    assert parse_policy(document.replace('"', '\\"')) == json.loads(document)
    assert parse_policy("not json") is None


@pytest.mark.parametrize(("identity", "verdict", "cross", "expected"), [
    ("Allow", "Neither", False, "Allow"),
    ("Neither", "Allow", False, "Allow"),
    ("Neither", "Neither", False, "Neither"),
    ("Allow", "Deny", False, "Deny"),
    ("Allow", "Neither", True, "Neither"),
    ("Allow", "Allow", True, "Allow"),
    ("Neither", "Allow", True, "Neither"),
    ("Deny", "Allow", True, "Deny"),
])
def test_combine_follows_tables_a_and_b(identity, verdict, cross, expected):
    assert combine(identity, verdict, cross_account=cross) == expected
