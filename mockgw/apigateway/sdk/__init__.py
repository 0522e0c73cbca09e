"""Client SDKs of a deployed REST API (GetSdk).

mockgw generates the ``javascript`` SDK: a zip of ``apiGateway-js-sdk/`` holding
``apigClient.js`` (one function per method, named as the console names them:
``petsPetIdGet`` for ``GET /pets/{petId}``, ``rootGet`` for ``GET /``), its ``lib/``
(request signing, path templates, the HTTP client over ``fetch``) and a README.  The
library files are mockgw's own (``javascript/`` beside this module).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

SOURCE = Path(__file__).parent / "javascript"
ROOT = "apiGateway-js-sdk"
_LIBRARY = ("lib/CryptoJS/sha256.js", "lib/url-template/url-template.js",
            "lib/apiGatewayCore/utils.js", "lib/apiGatewayCore/sigV4Client.js",
            "lib/apiGatewayCore/apiGatewayClient.js")
_PLACES = {"querystring": "queryParams", "multivaluequerystring": "queryParams",
           "header": "headerParams", "multivalueheader": "headerParams"}
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def function_name(path: str, http_method: str) -> str:
    """The client function of a method: ``GET /pets/{petId}`` -> ``petsPetIdGet``."""
    words = [w for part in path.strip("/").split("/")
             for w in re.split(r"[^A-Za-z0-9]+", part) if w] or ["root"]
    first, rest = words[0], words[1:]
    return (first[0].lower() + first[1:] + "".join(w[0].upper() + w[1:] for w in rest)
            + http_method.capitalize())


def methods_of(snapshot: dict) -> dict[str, dict]:
    """What the client needs of each method of a deployment snapshot, by function name."""
    out = {}
    for resource in sorted(snapshot["resources"].values(), key=lambda r: r["path"]):
        path = resource["path"]
        path_params = [p.strip("{}").rstrip("+") for p in path.split("/") if p.startswith("{")]
        for http_method, method in resource.get("resourceMethods", {}).items():
            entry: dict = {"verb": "GET" if http_method == "ANY" else http_method,
                           "path": path, "pathParams": path_params, "queryParams": [],
                           "headerParams": [], "required": list(path_params)}
            for key, required in (method.get("requestParameters") or {}).items():
                _, _, place, name = key.split(".", 3)
                if place in _PLACES:
                    entry[_PLACES[place]].append(name)
                    if required:
                        entry["required"].append(name)
            out[function_name(path, http_method)] = entry
    return out


def javascript_sdk(snapshot: dict, *, stage: str, region: str) -> bytes:
    """The zip of the JavaScript SDK of deployment ``snapshot`` on ``stage``."""
    api = snapshot["api"]
    invoke_url = f"https://{api['id']}.execute-api.{region}.amazonaws.com/{stage}"
    methods = methods_of(snapshot)
    values = {"API_NAME": api["name"].replace("*/", "* /"), "API_ID": api["id"],
              "STAGE": stage, "INVOKE_URL": json.dumps(invoke_url),
              "INVOKE_URL_TEXT": invoke_url, "REGION": json.dumps(region),
              "METHODS": json.dumps(methods, indent=2),
              "EXAMPLE": next(iter(methods), "rootGet"),
              "METHOD_LIST": "\n".join(f"- `{name}(params, body, additionalParams)`: "
                                       f"{m['verb']} {m['path']}"
                                       for name, m in methods.items()) or "(none)"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("apigClient.js", "README.md"):
            _add(archive, name, _fill((SOURCE / name).read_text(), values))
        for name in _LIBRARY:
            _add(archive, name, (SOURCE / name).read_text())
    return buffer.getvalue()


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


def _add(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(f"{ROOT}/{name}", date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)
