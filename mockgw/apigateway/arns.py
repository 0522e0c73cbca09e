"""Parsing the ARNs API Gateway operations take (certificates, load balancers, roles,
taggable resources)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ARN = re.compile(r"^arn:(aws(?:-[a-z]+)*):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$")


@dataclass(frozen=True, slots=True)
class Arn:
    """The parts of ``arn:{partition}:{service}:{region}:{account}:{resource}``."""

    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """The parts of a well-formed ARN, or ``None``."""
    found = _ARN.match(text or "")
    if found is None:
        return None
    partition, service, region, account, resource = found.groups()
    return Arn(partition, service, region, account or "", resource)
