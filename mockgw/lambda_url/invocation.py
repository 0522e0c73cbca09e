"""Answering one request to a function URL (see :mod:`mockgw.lambda_url` for the steps).

Lambda's own answers: a URL that does not exist, a caller the resource policy does not
allow, an alias that was deleted: ``403 {"Message": "Forbidden. ..."}``; a bad SigV4
signature: ``403`` with the signature error; a function error or an answer that is no
HTTP response: ``502 Internal Server Error``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mockgw.errors import ServiceError
from mockgw.execute.errors import GatewayError
from mockgw.execute.iam import verify
from mockgw.execute.payload_v2 import MalformedAnswer
from mockgw.lambda_.urls import URLS
from mockgw.lambda_url import UrlTarget, cors, payload
from mockgw.protocol.wire import WireRequest, WireResponse
from mockgw.requestids import new_request_id
from mockgw.runtime import invoke
from mockgw.runtime.engine import trace_header
from mockgw.runtime.functions import FUNCTIONS
from mockgw.runtime.permissions import ANONYMOUS, may_invoke_url
from mockgw.state.tree import copy_tree

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.instance import Instance
    from mockgw.state.backends import RegionStore

SERVICE = "lambda"  # the SigV4 service of AWS_IAM function URLs
FORBIDDEN = ("Forbidden. For troubleshooting Function URL authorization issues, see: "
             "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html")


def handle(instance: Instance, target: UrlTarget, request: WireRequest) -> WireResponse:
    """Lambda's answer to ``request`` for the function URL ``target``."""
    request_id = new_request_id()
    found = _find(instance, target)
    if found is None:
        return _forbidden(request_id)
    store, url = found
    config = url["config"]
    settings = config.get("Cors")
    if cors.is_preflight(settings, request):
        return cors.preflight(settings, request)
    return cors.decorate(settings, request, _invoke(instance, store, url, target, request,
                                                    request_id))


def _invoke(instance: Instance, store: RegionStore, url: dict, target: UrlTarget,
            request: WireRequest, request_id: str) -> WireResponse:
    config = url["config"]
    name, qualifier = url["function"], url["qualifier"]
    caller, caller_account, authorizer = ANONYMOUS, payload.ANONYMOUS_ACCOUNT, None
    if config["AuthType"] == "AWS_IAM":
        try:
            signer = verify(request, service=SERVICE, region=store.region,
                            settings=instance.settings, now=instance.clock())
        except GatewayError as exc:
            if exc.response_type == "MISSING_AUTHENTICATION_TOKEN":
                return _forbidden(request_id)
            return _answer(403, {"message": exc.message}, request_id, error_type=exc.error_type)
        caller, caller_account = signer.user_arn, signer.account
        authorizer = {"iam": {"accessKey": signer.access_key, "accountId": signer.account,
                              "callerId": signer.access_key, "cognitoIdentity": None,
                              "principalOrgId": None, "userArn": signer.user_arn,
                              "userId": signer.access_key}}
    with store.lock:
        function = store.table(FUNCTIONS).get(name)
        exists = function is not None and (qualifier is None or qualifier in function["aliases"])
    if not exists or not may_invoke_url(instance, store.account, store.region, name, qualifier,
                                        auth_type=config["AuthType"], caller=caller):
        return _forbidden(request_id)
    trace = trace_header()
    domain = target.domain or _host_of(config["FunctionUrl"])
    event = payload.event(request, url_id=target.url_id, account=caller_account, domain=domain,
                          path=target.path, request_id=request_id, now=instance.clock(),
                          authorizer=authorizer, trace_id=trace)
    try:
        result = invoke(instance, store.account, store.region, name,
                        json.dumps(event).encode(), qualifier=qualifier, request_id=request_id,
                        trace_id=trace)
    except ServiceError:
        return _internal_error(request_id)
    if result.function_error:
        return _internal_error(request_id)
    try:
        streamed = payload.streamed_response(result.payload) \
            if config.get("InvokeMode") == "RESPONSE_STREAM" else None
        answer = streamed or payload.response(result.payload)
    except MalformedAnswer:
        return _internal_error(request_id)
    answer.headers += [("x-amzn-RequestId", request_id), ("X-Amzn-Trace-Id", trace)]
    return answer


def _find(instance: Instance, target: UrlTarget) -> tuple[RegionStore, dict] | None:
    """The store holding the URL and a copy of its record."""
    for store in list(instance.backends):
        if target.region is not None and store.region != target.region:
            continue
        with store.lock:
            url = store.table(URLS).get(target.url_id)
            if url is not None:
                return store, copy_tree(url)
    return None


def _host_of(function_url: str) -> str:
    """The host of a FunctionUrl (``https://{host}/``)."""
    return function_url.split("://", 1)[1].split("/", 1)[0]


def _forbidden(request_id: str) -> WireResponse:
    return _answer(403, {"Message": FORBIDDEN}, request_id, error_type="AccessDeniedException")


def _internal_error(request_id: str) -> WireResponse:
    return WireResponse(502, [("Content-Type", "text/plain"),
                              ("x-amzn-RequestId", request_id)], b"Internal Server Error")


def _answer(status: int, doc: dict, request_id: str, *, error_type: str) -> WireResponse:
    return WireResponse(status, [("Content-Type", "application/json"),
                                 ("x-amzn-RequestId", request_id),
                                 ("x-amzn-ErrorType", error_type)],
                        json.dumps(doc, separators=(",", ":")).encode())
