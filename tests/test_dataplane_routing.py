"""Data-plane routing: stages, resources, methods, URL forms, snapshots."""

from __future__ import annotations

import pytest
import requests


def proxy_api(c, backend_url: str, paths: list[str], *, method: str = "ANY",
              stage: str = "dev") -> dict:
    """An API whose every resource in ``paths`` proxies to ``{backend}/r{path}``."""
    api = c.create_rest_api(name="routes")
    api_id = api["id"]
    ids = {"/": api["rootResourceId"]}
    for path in paths:
        parent = ids["/" + "/".join(path.strip("/").split("/")[:-1])] if path.count("/") > 1 \
            else ids["/"]
        part = path.strip("/").split("/")[-1]
        if path != "/":
            ids[path] = c.create_resource(restApiId=api_id, parentId=parent,
                                          pathPart=part)["id"]
        c.put_method(restApiId=api_id, resourceId=ids[path], httpMethod=method,
                     authorizationType="NONE")
        c.put_integration(restApiId=api_id, resourceId=ids[path], httpMethod=method,
                          type="HTTP_PROXY", integrationHttpMethod="ANY",
                          uri=f"{backend_url}/r{path}")
    c.create_deployment(restApiId=api_id, stageName=stage)
    return {"api_id": api_id, "ids": ids}


def seen_path(response: requests.Response) -> str:
    return response.json()["path"]


def test_most_specific_resource_wins(gw, backend):
    c = gw.client()
    api = proxy_api(c, backend.url, ["/", "/pets", "/pets/{id}", "/pets/{id}/toys", "/{proxy+}"])
    get = lambda p: gw.http.get(gw.invoke_url(api["api_id"], "dev", p), timeout=10)  # noqa: E731
    assert seen_path(get("/")) == "/r/"
    assert seen_path(get("/pets")) == "/r/pets"
    assert seen_path(get("/pets/7")) == "/r/pets/%7Bid%7D"
    assert seen_path(get("/pets/7/toys")) == "/r/pets/%7Bid%7D/toys"
    assert seen_path(get("/other/deep/path")) == "/r/%7Bproxy+%7D"
    assert seen_path(get("/pets/")) == "/r/pets"  # a trailing slash is ignored


def test_path_parameters_are_substituted(gw, backend):
    c = gw.client()
    api = c.create_rest_api(name="params")
    pets = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                             pathPart="pets")["id"]
    pet = c.create_resource(restApiId=api["id"], parentId=pets, pathPart="{petId}")["id"]
    proxy = c.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                              pathPart="{proxy+}")["id"]
    for res, uri, name in ((pet, "/pets/{petId}", "petId"), (proxy, "/files/{proxy}", "proxy")):
        c.put_method(restApiId=api["id"], resourceId=res, httpMethod="GET",
                     authorizationType="NONE",
                     requestParameters={f"method.request.path.{name}": True})
        c.put_integration(restApiId=api["id"], resourceId=res, httpMethod="GET",
                          type="HTTP_PROXY", integrationHttpMethod="GET", uri=backend.url + uri,
                          requestParameters={f"integration.request.path.{name}":
                                             f"method.request.path.{name}"})
    c.create_deployment(restApiId=api["id"], stageName="dev")
    url = gw.invoke_url(api["id"], "dev", "/pets/42")
    assert seen_path(gw.http.get(url, timeout=10)) == "/pets/42"
    url = gw.invoke_url(api["id"], "dev", "/a/b%20c/d.txt")
    assert seen_path(gw.http.get(url, timeout=10)) == "/files/a/b%20c/d.txt"


def _assert_missing_token(response: requests.Response) -> None:
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}
    assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert response.headers["x-amzn-RequestId"]
    assert response.headers["x-amz-apigw-id"]


def test_unknown_stage_resource_and_method(gw, backend):
    c = gw.client()
    api = proxy_api(c, backend.url, ["/pets"], method="GET")
    _assert_missing_token(gw.http.get(gw.invoke_url(api["api_id"], "nostage", "/pets"),
                                      timeout=10))
    _assert_missing_token(gw.http.get(gw.invoke_url(api["api_id"], "dev", "/nothing"),
                                      timeout=10))
    _assert_missing_token(gw.http.post(gw.invoke_url(api["api_id"], "dev", "/pets"),
                                       timeout=10))
    _assert_missing_token(gw.http.delete(gw.invoke_url(api["api_id"], "dev", "/pets"),
                                         timeout=10))


def test_head_does_not_fall_back_to_get(gw, backend):
    c = gw.client()
    api = proxy_api(c, backend.url, ["/pets"], method="GET")
    response = gw.http.head(gw.invoke_url(api["api_id"], "dev", "/pets"), timeout=10)
    assert response.status_code == 403


def test_unknown_api_is_forbidden(gw):
    response = gw.http.get(gw.invoke_url("doesnotexist", "dev", "/x"), timeout=10)
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}
    assert response.headers["x-amzn-ErrorType"] == "ForbiddenException"


def test_specific_method_beats_any(gw, backend):
    c = gw.client()
    api = proxy_api(c, backend.url, ["/pets"], method="ANY")
    res = api["ids"]["/pets"]
    c.put_method(restApiId=api["api_id"], resourceId=res, httpMethod="GET",
                 authorizationType="NONE")
    c.put_integration(restApiId=api["api_id"], resourceId=res, httpMethod="GET",
                      type="HTTP_PROXY", integrationHttpMethod="GET", uri=backend.url + "/get")
    c.create_deployment(restApiId=api["api_id"], stageName="dev")
    url = gw.invoke_url(api["api_id"], "dev", "/pets")
    assert seen_path(gw.http.get(url, timeout=10)) == "/get"
    post = gw.http.post(url, data=b"hello", timeout=10)
    assert seen_path(post) == "/r/pets"
    assert post.json()["method"] == "POST" and post.json()["body"] == "hello"


def test_deployed_snapshot_is_served_until_redeploy(gw, backend):
    c = gw.client()
    api = proxy_api(c, backend.url, ["/pets"], method="GET")
    api_id, res = api["api_id"], api["ids"]["/pets"]
    first = c.get_stage(restApiId=api_id, stageName="dev")["deploymentId"]
    c.update_integration(restApiId=api_id, resourceId=res, httpMethod="GET", patchOperations=[
        {"op": "replace", "path": "/uri", "value": backend.url + "/changed"}])
    url = gw.invoke_url(api_id, "dev", "/pets")
    assert seen_path(gw.http.get(url, timeout=10)) == "/r/pets"  # not live until deployed
    c.create_deployment(restApiId=api_id, stageName="dev")
    assert seen_path(gw.http.get(url, timeout=10)) == "/changed"
    c.update_stage(restApiId=api_id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/deploymentId", "value": first}])
    assert seen_path(gw.http.get(url, timeout=10)) == "/r/pets"  # rolled back


def test_disable_execute_api_endpoint(gw, backend):
    c = gw.client()
    api = proxy_api(c, backend.url, ["/pets"], method="GET")
    c.update_rest_api(restApiId=api["api_id"], patchOperations=[
        {"op": "replace", "path": "/disableExecuteApiEndpoint", "value": "true"}])
    url = gw.invoke_url(api["api_id"], "dev", "/pets")
    assert gw.http.get(url, timeout=10).status_code == 200  # not deployed yet
    c.create_deployment(restApiId=api["api_id"], stageName="dev")
    response = gw.http.get(url, timeout=10)
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}


@pytest.mark.parametrize("form", ["host", "user_request", "localstack"])
def test_every_url_form_on_the_server(server, backend, form):
    from tests.conftest import Harness

    server.reset()
    gw = Harness("server", server_url=server.url)
    c = gw.client()
    api = proxy_api(c, backend.url, ["/pets", "/pets/{id}"], method="GET")
    api_id = api["api_id"]
    port = server.url.rsplit(":", 1)[1]
    if form == "host":
        response = requests.get(f"{server.url}/dev/pets/1?q=a",
                                headers={"Host": f"{api_id}.execute-api.localhost:{port}"},
                                timeout=10)
    elif form == "user_request":
        response = requests.get(f"{server.url}/restapis/{api_id}/dev/_user_request_/pets/1?q=a",
                                timeout=10)
    else:
        response = requests.get(f"{server.url}/_aws/execute-api/{api_id}/dev/pets/1?q=a",
                                timeout=10)
    assert response.status_code == 200
    assert response.json()["path"] == "/r/pets/%7Bid%7D?q=a"
