"""The languages mockgw runs functions in, and how a worker process of each starts.

Python functions run in the interpreter that runs mockgw (``bootstrap.py``); Node.js
functions (``nodejs18.x``, ``nodejs20.x``, ``nodejs22.x``, ...) in the machine's ``node``
(``bootstrap.mjs``).  Both bootstraps speak the same frames over the same pipes (see
:mod:`mockgw.runtime.workers`).  Other runtimes (Java, .NET, Ruby, ``provided`` custom
runtimes, container images) are not run: :func:`language_of` answers Lambda's
``InvalidRuntimeException`` naming the runtime, so the user knows to forward them.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from mockgw.errors import ServiceError
from mockgw.runtime import forward

RUNTIME_DIR = str(Path(__file__).parent)  # LAMBDA_RUNTIME_DIR: where the bootstraps live
_NODE_BOOTSTRAP = str(Path(RUNTIME_DIR, "bootstrap.mjs"))
_PYTHON_BOOTSTRAP = str(Path(RUNTIME_DIR, "bootstrap.py"))
#: Where machines keep globally installed node modules (the AWS SDK for JavaScript, if
#: installed), besides ``{prefix of node}/lib/node_modules``.
_GLOBAL_NODE_MODULES = ("/usr/lib/node_modules", "/usr/local/lib/node_modules",
                        "/opt/homebrew/lib/node_modules")


@dataclass(frozen=True, slots=True)
class Language:
    """How to start a worker for the functions of one language."""

    name: str  # "python" or "nodejs"
    command: tuple[str, ...]  # the executable and the bootstrap, before the pipe fds

    def environment(self, code_dir: str) -> dict[str, str]:
        """Variables that depend on where the function's code is unpacked."""
        if self.name != "nodejs":
            return {}
        paths = [p for p in os.environ.get("NODE_PATH", "").split(os.pathsep) if p]
        paths += [p for p in _sdk_module_dirs(self.command[0]) if p not in paths]
        return {"NODE_PATH": os.pathsep.join([*paths, code_dir])}


def language_of(config: dict, code: dict) -> Language:
    """The language a function version runs in, or Lambda's ``InvalidRuntimeException``
    when mockgw cannot run it here."""
    runtime = config.get("Runtime", "")
    if "zipFile" in code and runtime.startswith("python3"):
        return Language("python", (sys.executable, "-u", _PYTHON_BOOTSTRAP))
    if "zipFile" in code and runtime.startswith("nodejs"):
        node = _node(os.environ.get("PATH", os.defpath))
        if node is None:
            raise ServiceError(
                f"mockgw runs {runtime} functions with the machine's `node`, which is not "
                "on PATH: install Node.js, or run the function at the endpoint that "
                f"{forward.ENDPOINT_VARIABLE} names", code="InvalidRuntimeException",
                status=502)
        return Language("nodejs", (node, _NODE_BOOTSTRAP))
    kind = runtime or config.get("PackageType", "Image")
    raise ServiceError(
        f"mockgw runs only python3.x and nodejs functions from .zip packages, not {kind}; "
        f"run such functions at the endpoint that {forward.ENDPOINT_VARIABLE} names",
        code="InvalidRuntimeException", status=502)


@functools.lru_cache(maxsize=8)
def _node(path: str) -> str | None:
    return shutil.which("node", path=path)


@functools.lru_cache(maxsize=8)
def _sdk_module_dirs(node: str) -> tuple[str, ...]:
    """Global ``node_modules`` directories that hold the AWS SDK for JavaScript v3
    (``@aws-sdk``), as Lambda's Node.js runtimes ship it; none when it is not installed
    (mockgw never downloads it)."""
    prefix = Path(os.path.realpath(node)).parent.parent
    candidates = dict.fromkeys([str(prefix / "lib" / "node_modules"), *_GLOBAL_NODE_MODULES])
    return tuple(d for d in candidates if os.path.isdir(os.path.join(d, "@aws-sdk")))
