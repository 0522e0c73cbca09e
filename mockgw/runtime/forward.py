"""Invoking functions mockgw does not hold at the endpoint ``AWS_ENDPOINT_URL_LAMBDA`` names
(real AWS, LocalStack, a moto server or another mockgw), with botocore."""

from __future__ import annotations

import functools
import os
from typing import Any

from mockgw.errors import ServiceError

ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_LAMBDA"


def endpoint() -> str | None:
    """The endpoint functions mockgw does not hold are invoked at, if one is set."""
    return os.environ.get(ENDPOINT_VARIABLE) or None


def forward(url: str, region: str, function_ref: str, payload: bytes, *,
            qualifier: str | None, invocation_type: str, log_type: str | None,
            client_context: str | None) -> dict[str, Any]:
    """Invoke at ``url``: the Invoke output (``StatusCode``, ``Payload`` bytes, ...).

    The remote's modeled errors come back as the same :class:`ServiceError`.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from mockgw.bypass import bypass

    params: dict[str, Any] = {"FunctionName": function_ref, "Payload": payload,
                              "InvocationType": invocation_type}
    for key, value in (("Qualifier", qualifier), ("LogType", log_type),
                       ("ClientContext", client_context)):
        if value:
            params[key] = value
    try:
        with bypass():
            output = _client(url, region).invoke(**params)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise ServiceError(error.get("Message"), code=error.get("Code", "ServiceException"),
                           status=exc.response["ResponseMetadata"]["HTTPStatusCode"]) from None
    except BotoCoreError as exc:
        raise ServiceError(f"Could not invoke the function at {url}: {exc}",
                           code="ServiceException", status=500) from None
    output["Payload"] = output["Payload"].read() if "Payload" in output else b""
    return output


@functools.cache
def _client(url: str, region: str) -> Any:
    """A botocore Lambda client for ``url`` (credentials from the environment, else
    placeholders that emulators accept)."""
    import botocore.session
    from botocore.config import Config

    session = botocore.session.get_session()
    credentials = {} if session.get_credentials() else {
        "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return session.create_client(
        "lambda", region_name=region, endpoint_url=url, **credentials,
        config=Config(retries={"max_attempts": 1}, read_timeout=900, connect_timeout=10))

