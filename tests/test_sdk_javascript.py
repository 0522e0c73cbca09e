"""GetSdk: the JavaScript SDK of a stage, run with node against ``mockgw serve``."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.conftest import Harness
from tests.helpers import error_of, mock_api

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")

ECHO = {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "responses": {"default": {"statusCode": "200", "responseTemplates": {
            "application/json": '{"type": "$input.params(\'type\')", '
                                '"pet": "$input.params(\'petId\')", '
                                '"trace": "$input.params(\'x-trace\')"}'}}}}


def pets(backend_url: str) -> dict:
    """An API of MOCK echoes, and a POST proxied to ``backend_url`` behind an API key."""
    return {
        "openapi": "3.0.1", "info": {"title": "pets", "version": "1.0"},
        "components": {"securitySchemes": {"api_key": {"type": "apiKey", "name": "x-api-key",
                                                       "in": "header"}}},
        "paths": {
            "/": {"get": {"responses": {"200": {"description": "ok"}},
                          "x-amazon-apigateway-integration": ECHO}},
            "/pets": {
                "get": {"parameters": [{"name": "type", "in": "query"},
                                       {"name": "x-trace", "in": "header"}],
                        "responses": {"200": {"description": "ok"}},
                        "x-amazon-apigateway-integration": ECHO},
                "post": {"security": [{"api_key": []}],
                         "responses": {"200": {"description": "created"}},
                         "x-amazon-apigateway-integration": {
                             "type": "http_proxy", "httpMethod": "POST",
                             "uri": f"{backend_url}/pets"}}},
            "/pets/{petId}": {"get": {"responses": {"200": {"description": "ok"}},
                                      "x-amazon-apigateway-integration": ECHO}},
        },
    }


KEY = "k" * 20


def deploy_pets(c, backend_url: str = "http://backend.example.com") -> str:
    api_id = c.import_rest_api(body=json.dumps(pets(backend_url)), failOnWarnings=True)["id"]
    c.create_deployment(restApiId=api_id, stageName="dev")
    key = c.create_api_key(name="sdk", enabled=True, value=KEY)["id"]
    plan = c.create_usage_plan(name="sdk", apiStages=[{"apiId": api_id, "stage": "dev"}])
    c.create_usage_plan_key(usagePlanId=plan["id"], keyId=key, keyType="API_KEY")
    return api_id


def unzip(body: bytes, into: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(into)
    return into / "apiGateway-js-sdk"


def run_node(directory: Path, script: str) -> list:
    (directory / "run.js").write_text(script)
    done = subprocess.run([NODE, "run.js"], cwd=directory, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_sdk_zip_contents(gw):
    c = gw.client()
    api_id = deploy_pets(c)
    sdk = c.get_sdk(restApiId=api_id, stageName="dev", sdkType="javascript")
    assert sdk["contentType"] == "application/octet-stream"
    assert sdk["contentDisposition"] == 'attachment; filename="javascript_1.0.zip"'
    with zipfile.ZipFile(io.BytesIO(sdk["body"].read())) as archive:
        names = sorted(archive.namelist())
        client = archive.read("apiGateway-js-sdk/apigClient.js").decode()
    assert names == sorted(f"apiGateway-js-sdk/{n}" for n in (
        "apigClient.js", "README.md", "lib/CryptoJS/sha256.js",
        "lib/url-template/url-template.js", "lib/apiGatewayCore/utils.js",
        "lib/apiGatewayCore/sigV4Client.js", "lib/apiGatewayCore/apiGatewayClient.js"))
    assert f'"https://{api_id}.execute-api.us-east-1.amazonaws.com/dev"' in client
    for name in ("rootGet", "petsGet", "petsPost", "petsPetIdGet"):
        assert f'"{name}"' in client


@pytest.mark.parametrize("kwargs, expected", [
    ({"stageName": "prod", "sdkType": "javascript"},
     ("NotFoundException", "Invalid stage identifier specified", 404)),
    ({"stageName": "dev", "sdkType": "java"},
     ("NotFoundException", "Invalid SDK type specified: java", 404)),
    ({"stageName": "dev", "sdkType": "cobol"},
     ("NotFoundException", "Invalid SDK type specified: cobol", 404)),
])
def test_get_sdk_errors(gw, kwargs, expected):
    c = gw.client()
    ids = mock_api(c)
    c.create_deployment(restApiId=ids["api_id"], stageName="dev")
    with pytest.raises(ClientError) as exc:
        c.get_sdk(restApiId=ids["api_id"], **kwargs)
    assert error_of(exc) == expected


@needs_node
def test_javascript_sdk_calls_the_deployed_api(server, backend, tmp_path):
    server.reset()
    served = Harness("server", server_url=server.url)
    c = served.client()
    api_id = deploy_pets(c, backend.url)
    body = c.get_sdk(restApiId=api_id, stageName="dev", sdkType="javascript")["body"].read()
    directory = unzip(body, tmp_path)
    invoke_url = served.invoke_url(api_id, "dev", "/").rstrip("/")
    results = run_node(directory, f"""
const factory = require('./apigClient.js');
const client = factory.newClient({{invokeUrl: {json.dumps(invoke_url)}, apiKey: '{KEY}'}});
const keyless = factory.newClient({{invokeUrl: {json.dumps(invoke_url)}}});
const keep = (r) => [r.status, r.data.body || r.data, r.headers['content-type']];
const failed = (e) => [e.response.status, e.response.data];
(async () => {{
  const out = [];
  out.push(keep(await client.rootGet()));
  out.push(keep(await client.petsGet({{type: 'cat dog', 'x-trace': 't-1'}})));
  out.push(keep(await client.petsPetIdGet({{petId: 'p7'}})));
  out.push(keep(await client.petsPost({{}}, {{name: 'Rex'}})));
  out.push(await keyless.petsPost({{}}, {{name: 'Rex'}}).then(keep, failed));
  try {{ await client.petsPetIdGet({{}}); }} catch (e) {{ out.push(e.message); }}
  console.log(JSON.stringify(out));
}})().catch((e) => {{ console.error(e); process.exit(1); }});
""")
    assert results == [
        [200, {"type": "", "pet": "", "trace": ""}, "application/json"],
        [200, {"type": "cat dog", "pet": "", "trace": "t-1"}, "application/json"],
        [200, {"type": "", "pet": "p7", "trace": ""}, "application/json"],
        [200, '{"name":"Rex"}', "application/json"],
        [403, {"message": "Forbidden"}],
        "Missing required parameter: petId",
    ]


@needs_node
def test_javascript_sdk_signs_as_botocore_does(tmp_path):
    from mockgw.apigateway.sdk import SOURCE

    shutil.copytree(SOURCE, tmp_path / "sdk")
    url = "https://abc123.execute-api.eu-west-1.amazonaws.com/dev/pets/a%20b?b=2&a=x%20y"
    signed = run_node(tmp_path / "sdk", f"""
require('./lib/CryptoJS/sha256.js');
require('./lib/url-template/url-template.js');
require('./lib/apiGatewayCore/utils.js');
require('./lib/apiGatewayCore/sigV4Client.js');
const sign = globalThis.apiGateway.core.sigV4Client.signatureHeaders;
console.log(JSON.stringify(sign(
  {{method: 'POST', url: {json.dumps(url)}, body: '{{"a": "é"}}'}},
  {{accessKey: 'AKID', secretKey: 'SECRET', sessionToken: 'TOKEN', region: 'eu-west-1'}},
  new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))));
""")
    assert signed["x-amz-date"] == "20240102T030405Z"
    request = AWSRequest(method="POST", url=url, data='{"a": "é"}'.encode(),
                         headers={"X-Amz-Date": signed["x-amz-date"],
                                  "X-Amz-Security-Token": "TOKEN"})
    request.context["timestamp"] = signed["x-amz-date"]
    signer = SigV4Auth(Credentials("AKID", "SECRET", "TOKEN"), "execute-api", "eu-west-1")
    canonical = signer.canonical_request(request)
    signature = signer.signature(signer.string_to_sign(request, canonical), request)
    headers = signer.signed_headers(signer.headers_to_sign(request))
    assert signed["Authorization"] == (
        f"AWS4-HMAC-SHA256 Credential={signer.scope(request)}, "
        f"SignedHeaders={headers}, Signature={signature}")
    assert signed["x-amz-security-token"] == "TOKEN"
