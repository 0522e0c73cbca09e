"""AWS_IAM authorization on the data plane: SigV4 signatures for execute-api."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from mockgw.mock import mock_apigateway
from mockgw.settings import Settings
from mockgw.testing import ServerProcess
from tests.conftest import Harness
from tests.guards import EPOCH, Api, advance, expect_error, freeze, presign, sign

IDENTITY = ('{"accessKey": "$context.identity.accessKey", '
            '"accountId": "$context.identity.accountId", "caller": "$context.identity.caller", '
            '"user": "$context.identity.user", "userArn": "$context.identity.userArn"}')
KNOWN = "AKIAKNOWNKEY", "known-secret", "arn:aws:iam::123456789012:user/alice"


def iam_api(gw, c) -> Api:
    api = Api(gw, c)
    api.mock("/items", "GET", authorizationType="AWS_IAM", body=IDENTITY)
    api.mock("/items", "POST", authorizationType="AWS_IAM", body='{"posted": true}')
    api.mock("/open", "GET", body='{"open": true}')
    return api.deploy()


def signed_get(gw, api, path="/items", **sign_kwargs):
    url = api.url(path)
    return gw.http.get(url, headers=sign("GET", url, **sign_kwargs), timeout=10)


def test_a_signed_request_reaches_the_method_with_its_identity(gw):
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    response = signed_get(gw, api)
    assert response.status_code == 200
    assert response.json() == {"accessKey": "AKIDEXAMPLE", "accountId": "123456789012",
                               "caller": "AKIDEXAMPLE", "user": "AKIDEXAMPLE",
                               "userArn": "arn:aws:iam::123456789012:user/AKIDEXAMPLE"}
    # a 12-digit access key names the caller's account: another account needs the API's
    # resource policy to let it in (test_dataplane_policy.py)
    expect_error(signed_get(gw, api, access_key="210987654321"), 403, "AccessDeniedException",
                 "User: arn:aws:iam::210987654321:user/210987654321 is not authorized to "
                 "perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:"
                 f"********9012:{api.id}/dev/GET/items because no resource-based policy "
                 "allows the execute-api:Invoke action", key="Message")


def test_methods_without_iam_ignore_signatures_and_authorization_headers(gw):
    api = iam_api(gw, gw.client())
    assert api.get("/open", headers={"Authorization": "Bearer token"}).json() == {"open": True}


def test_missing_and_incomplete_signatures(gw):
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    expect_error(api.get(), 403, "MissingAuthenticationTokenException",
                 "Missing Authentication Token")
    expect_error(api.get(headers={"Authorization": "Bearer abc.def"}), 403,
                 "IncompleteSignatureException",
                 "Authorization header requires 'Credential' parameter. Authorization header "
                 "requires 'Signature' parameter. Authorization header requires "
                 "'SignedHeaders' parameter. Authorization header requires existence of either "
                 "a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc.def")
    headers = sign("GET", api.url())
    broken = headers["Authorization"].replace("Credential=", "Credential ")
    expect_error(api.get(headers={**headers, "Authorization": broken}), 403,
                 "IncompleteSignatureException",
                 f"'{broken.split(' ', 1)[1].split(',')[0]}' not a valid key=value pair "
                 f"(missing equal-sign) in Authorization header: '{broken}'.")
    no_signature = headers["Authorization"].split(", Signature=")[0]
    expect_error(api.get(headers={**headers, "Authorization": no_signature}), 403,
                 "IncompleteSignatureException",
                 f"Authorization header requires 'Signature' parameter. "
                 f"Authorization={no_signature}")


@pytest.mark.parametrize(("sign_kwargs", "message"), [
    ({"service": "apigateway"}, "Credential should be scoped to correct service: 'execute-api'. "),
    ({"region": "eu-west-1"}, "Credential should be scoped to a valid region, not 'eu-west-1'. "),
    ({"at": EPOCH - 301}, "Signature expired: 20231114T220819Z is now earlier than "
                          "20231114T220820Z (20231114T221320Z - 5 min.)"),
    ({"at": EPOCH + 301}, "Signature not yet current: 20231114T221821Z is still later than "
                          "20231114T221820Z (20231114T221320Z + 5 min.)"),
])
def test_scope_and_date_are_checked(gw, sign_kwargs, message):
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    expect_error(signed_get(gw, api, **sign_kwargs), 403, "InvalidSignatureException", message)


def test_signatures_five_minutes_off_are_still_fresh(gw):
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    assert signed_get(gw, api, at=EPOCH - 300).status_code == 200
    assert signed_get(gw, api, at=EPOCH + 300).status_code == 200


def test_unknown_keys_need_a_well_formed_signature(gw):
    """Without configured credentials mockgw cannot recompute a signature: any
    well-formed one is accepted, anything else gets AWS's mismatch answer."""
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    headers = sign("GET", api.url(), secret="whatever")
    assert api.get(headers=headers).status_code == 200
    mangled = headers["Authorization"][:-64] + "not-a-signature"
    response = api.get(headers={**headers, "Authorization": mangled})
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    message = response.json()["message"]
    assert message.startswith(
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. Consult the service "
        "documentation for details.\n\nThe Canonical String for this request should have "
        "been\n'GET\n")
    assert "\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20231114T221320Z\n" \
           "20231114/us-east-1/execute-api/aws4_request\n" in message


# -- configured credentials ------------------------------------------------------------------

@pytest.fixture(scope="module")
def strict_server() -> Iterator[ServerProcess]:
    env = {"MOCKGW_IAM_CREDENTIALS": ":".join(KNOWN), "MOCKGW_STRICT_IAM": "1"}
    with ServerProcess(env=env) as process:
        yield process


@pytest.fixture(params=["inprocess", "server"])
def strict_gw(request: pytest.FixtureRequest) -> Iterator[Harness]:
    """Like ``gw``, with ``KNOWN`` as the only credentials mockgw accepts."""
    if request.param == "server":
        process = request.getfixturevalue("strict_server")
        process.reset()
        yield Harness("server", server_url=process.url)
        return
    settings = Settings(iam_credentials=":".join(KNOWN), strict_iam=True)
    with mock_apigateway(settings=settings) as mock:
        yield Harness("inprocess", mock=mock)


def test_strict_mode_verifies_every_signature(strict_gw):
    gw = strict_gw
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    key, secret, arn = KNOWN
    response = signed_get(gw, api, access_key=key, secret=secret)
    assert response.status_code == 200
    assert response.json() == {"accessKey": key, "accountId": "123456789012", "caller": key,
                               "user": key, "userArn": arn}
    expect_error(signed_get(gw, api, access_key="AKIAUNKNOWN", secret=secret), 403,
                 "UnrecognizedClientException",
                 "The security token included in the request is invalid.")
    wrong = signed_get(gw, api, access_key=key, secret="not-the-secret")
    assert wrong.status_code == 403
    assert wrong.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert wrong.json()["message"].startswith("The request signature we calculated does not "
                                              "match the signature you provided.")


def test_strict_mode_signs_over_body_query_and_headers(strict_gw):
    gw = strict_gw
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    key, secret, _ = KNOWN
    url = api.url("/items?b=2&a=1")
    body = json.dumps({"n": 1}).encode()
    headers = sign("POST", url, access_key=key, secret=secret, body=body,
                   headers={"Content-Type": "application/json", "X-Custom": "yes"})
    assert gw.http.post(url, data=body, headers=headers, timeout=10).json() == {"posted": True}
    for tampered in ({"data": b'{"n": 2}', "headers": headers},
                     {"data": body, "headers": {**headers, "X-Custom": "no"}}):
        response = gw.http.post(url, timeout=10, **tampered)
        assert response.status_code == 403
        assert response.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    response = gw.http.post(api.url("/items?b=2&a=2"), data=body, headers=headers, timeout=10)
    assert response.status_code == 403
    assert "\n/" in response.json()["message"]  # the canonical request AWS expected


def test_a_presigned_url_carries_the_signature_in_its_query_string(strict_gw):
    gw = strict_gw
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    key, secret, arn = KNOWN
    url = presign(api.url("/items?color=red"), access_key=key, secret=secret, expires=60)
    assert "X-Amz-Signature=" in url and "Authorization" not in url
    response = gw.http.get(url, timeout=10)
    assert response.status_code == 200
    assert response.json() == {"accessKey": key, "accountId": "123456789012", "caller": key,
                               "user": key, "userArn": arn}
    tampered = gw.http.get(url.replace("color=red", "color=blue"), timeout=10)
    assert tampered.status_code == 403
    assert tampered.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    assert tampered.json()["message"].startswith("The request signature we calculated")
    incomplete = "&".join(p for p in url.split("&") if not p.startswith("X-Amz-Date="))
    expect_error(gw.http.get(incomplete, timeout=10), 403, "IncompleteSignatureException",
                 "AWS query-string parameters must include 'X-Amz-Date'. Re-examine the "
                 "query-string parameters.")
    advance(gw, 61)  # past X-Amz-Expires
    expect_error(gw.http.get(url, timeout=10), 403, "InvalidSignatureException",
                 "Signature expired: 20231114T221320Z is now earlier than 20231114T221321Z "
                 "(20231114T221421Z - 60 sec.)")


def test_known_keys_are_verified_outside_strict_mode():
    settings = Settings(iam_credentials=":".join(KNOWN))
    with mock_apigateway(settings=settings) as mock:
        gw = Harness("inprocess", mock=mock)
        api = iam_api(gw, gw.client())
        freeze(gw, EPOCH)
        key, secret, _ = KNOWN
        assert signed_get(gw, api, access_key=key, secret=secret).status_code == 200
        assert signed_get(gw, api, access_key=key, secret="wrong").status_code == 403
        assert signed_get(gw, api, access_key="AKIAOTHER", secret="any").status_code == 200


@pytest.mark.parametrize(("change", "error_type", "message"), [
    (lambda auth: auth.replace("/us-east-1/", "/"), "IncompleteSignatureException",
     "Credential must have exactly 5 slash-delimited elements, e.g. "
     "keyid/date/region/service/term, got 'AKIDEXAMPLE/20231114/execute-api/aws4_request'"),
    (lambda auth: auth.replace("aws4_request", "aws5_request"), "InvalidSignatureException",
     "Credential should be scoped with a valid terminator: 'aws4_request', not "
     "'aws5_request'. "),
    (lambda auth: auth.replace("SignedHeaders=host;", "SignedHeaders="),
     "IncompleteSignatureException",
     "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
    (lambda auth: auth.replace("/20231114/", "/20231113/"), "InvalidSignatureException",
     "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
     "HTTP: '20231113' != '20231114', from '20231114T221320Z'."),
])
def test_malformed_credentials(gw, change, error_type, message):
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    headers = sign("GET", api.url())
    headers["Authorization"] = change(headers["Authorization"])
    expect_error(api.get(headers=headers), 403, error_type, message)


def test_a_malformed_date_header(gw):
    api = iam_api(gw, gw.client())
    freeze(gw, EPOCH)
    headers = {**sign("GET", api.url()), "X-Amz-Date": "yesterday"}
    expect_error(api.get(headers=headers), 403, "IncompleteSignatureException",
                 "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See "
                 "http://en.wikipedia.org/wiki/ISO_8601")
