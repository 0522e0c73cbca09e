"""Registering a plain Python callable as a Lambda function, for tests that want no zip."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from mockgw.errors import ResourceConflictException
from mockgw.instance import Instance
from mockgw.lambda_.common import ON_DEMAND_MAXIMUMS, check_settings, functions
from mockgw.lambda_.functions import new_function, new_function_name
from mockgw.operations import Call
from mockgw.protocol.models import service_model
from mockgw.runtime import engine
from mockgw.runtime.functions import constraint_error

DEFAULT_ROLE = "arn:aws:iam::{account}:role/mockgw-callable"


def register_function(instance: Instance, name: str, handler: Callable[[Any, Any], Any], *,
                      account: str | None = None, region: str | None = None,
                      timeout: int = 3, memory_size: int = 128, description: str = "",
                      runtime: str = "python3.12", role: str | None = None,
                      tags: dict[str, str] | None = None) -> dict:
    """Make ``handler(event, context)`` the Lambda function ``name`` of ``instance``
    (default account and region of its settings) and answer its FunctionConfiguration.

    The function is an ordinary function to every API (GetFunction, aliases, versions,
    AddPermission, Invoke, API Gateway integrations); invoking it calls ``handler`` in a
    thread of this process with the same event, context, timeout and error documents as a
    zip function.  Its environment variables are not applied to ``os.environ``.
    """
    account = account or instance.settings.account
    region = region or instance.settings.region
    store = instance.backends.store(account, region)
    call = Call(service="lambda", operation="CreateFunction", account=account, region=region,
                store=store, instance=instance)
    params = {"Role": role or DEFAULT_ROLE.format(account=account), "Runtime": runtime,
              "Handler": f"{handler.__module__}.{getattr(handler, '__qualname__', 'handler')}",
              "Timeout": timeout, "MemorySize": memory_size, "Description": description,
              "Tags": tags or {}}
    for member in ("Timeout", "MemorySize"):
        _check_range(params[member], member)
    with store.lock:
        name = new_function_name(call, name)
        check_settings(params)
        if name in functions(call):
            raise ResourceConflictException(f"Function already exist: {name}")
        sha = base64.b64encode(hashlib.sha256(uuid.uuid4().bytes).digest()).decode()
        engine.callables(instance)[sha] = handler
        found = new_function(call, name, params, {"callable": sha}, sha, 0)
        functions(call)[name] = found
        return dict(found["config"])


def _check_range(value: int, member: str) -> None:
    meta = service_model("lambda").shape_for(member).metadata
    if value < meta["min"]:
        raise constraint_error(value, member[:1].lower() + member[1:],
                               f"Member must have value greater than or equal to {meta['min']}")
    highest = min(meta["max"], ON_DEMAND_MAXIMUMS[member])
    if value > highest:
        raise constraint_error(value, member[:1].lower() + member[1:],
                               f"Member must have value less than or equal to {highest}")
