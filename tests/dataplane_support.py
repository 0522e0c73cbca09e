"""Helpers for data-plane tests that work in both harness modes."""

from __future__ import annotations

from typing import Any

import requests


def freeze_clock(gw: Any, at: float) -> None:
    """Stop the instance's clock at epoch ``at`` (``$context.requestTime`` and friends)."""
    if gw.mode == "server":
        gw.http.post(f"{gw.endpoint_url}/_mockgw/clock", json={"freeze": at},
                     timeout=10).raise_for_status()
    else:
        gw.mock.instance.clock.freeze(at)


def access_log_lines(gw: Any, api_id: str, stage: str) -> list[str]:
    """The access-log lines of a stage, through the admin endpoint or the instance."""
    if gw.mode == "server":
        return gw.http.get(f"{gw.endpoint_url}/_mockgw/logs/{api_id}/{stage}",
                           timeout=10).json()["lines"]
    from mockgw.execute.accesslog import AccessLogs

    return gw.mock.instance.service("execute.accesslogs", AccessLogs).lines(api_id, stage)


def request_with_host(gw: Any, method: str, host: str, path: str,
                      **kwargs: Any) -> requests.Response:
    """A request whose ``Host`` is ``host`` (a custom domain name), in either mode."""
    if gw.mode == "server":
        headers = {**kwargs.pop("headers", {}), "Host": host}
        return gw.http.request(method, gw.endpoint_url + path, headers=headers, timeout=10,
                               **kwargs)
    from tests.conftest import _raw_inprocess

    return _raw_inprocess(method, f"https://{host}{path}", **kwargs)


def set_method(c: Any, api_id: str, resource_id: str, method: str = "GET", *,
               integration: dict, responses: dict[str, dict] | None = None,
               method_kwargs: dict | None = None) -> None:
    """Put a method, its integration and integration responses (``{status: kwargs}``); each
    method response declares the headers its integration response maps."""
    c.put_method(restApiId=api_id, resourceId=resource_id, httpMethod=method,
                 authorizationType="NONE", **(method_kwargs or {}))
    c.put_integration(restApiId=api_id, resourceId=resource_id, httpMethod=method,
                      **integration)
    for status, kwargs in (responses or {}).items():
        declared = {target: False for target in kwargs.get("responseParameters", {})}
        c.put_method_response(restApiId=api_id, resourceId=resource_id, httpMethod=method,
                              statusCode=status, responseParameters=declared)
        c.put_integration_response(restApiId=api_id, resourceId=resource_id, httpMethod=method,
                                   statusCode=status, **kwargs)


def new_api(c: Any, path: str = "items", **kwargs: Any) -> tuple[str, str]:
    """A REST API with one resource ``/{path}``: (api id, resource id)."""
    api = c.create_rest_api(name="dataplane", **kwargs)
    resource = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                 pathPart=path)
    return api["id"], resource["id"]


def header_lines(gw: Any, url: str, *names: str, method: str = "GET") -> list[tuple[str, str]]:
    """The answer's header lines called one of ``names`` (any case), in order, a repeated
    header once per line: as ``http.client`` reads them off the socket on the server, as
    the ``requests`` answer's urllib3 headers hold them in-process."""
    wanted = {name.lower() for name in names}
    if gw.mode == "server":
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""))
            answer = connection.getresponse()
            answer.read()
            lines = answer.getheaders()
        finally:
            connection.close()
    else:
        lines = list(gw.http.request(method, url, timeout=30).raw.headers.items())
    return [(name, value) for name, value in lines if name.lower() in wanted]
