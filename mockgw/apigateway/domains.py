"""Custom domain names for the handlers: lookups by name, ARNs, hosted zones.

The table layout and the data plane's routing lookup are in :mod:`mockgw.state.domains`.
"""

from __future__ import annotations

from mockgw.errors import NotFoundException
from mockgw.operations import Call
from mockgw.state.domains import DOMAINNAMES, NO_BASE_PATH

__all__ = ["DOMAINNAMES", "NO_BASE_PATH"]

#: The hosted zone of every CloudFront distribution (edge-optimized domain names).
CLOUDFRONT_HOSTED_ZONE = "Z2FDTNDATAQYW2"

#: Route 53 hosted zone ids of the regional ``execute-api`` endpoints, as AWS publishes
#: them ("Amazon API Gateway endpoints and quotas" in the AWS General Reference).
REGIONAL_HOSTED_ZONES = {
    "us-east-1": "Z1UJRXOUMOOFQ8",
    "us-east-2": "ZOJJZC49E0EPZ",
    "us-west-1": "Z2MUQ32089INYE",
    "us-west-2": "Z2OJLYMUO9EFXC",
    "af-south-1": "Z2DHW2332DAMTN",
    "ap-east-1": "Z3FD1VL90ND7K5",
    "ap-south-1": "Z3VO1THU9YC4UR",
    "ap-south-2": "Z0853509Q1135NJ66RUH",
    "ap-northeast-1": "Z1YSHQZHG15GKL",
    "ap-northeast-2": "Z20JF4UZKIW1U8",
    "ap-northeast-3": "Z22ILHG95FLSZ2",
    "ap-southeast-1": "ZL327KTPIQFUL",
    "ap-southeast-2": "Z2RPCDW04V8134",
    "ap-southeast-3": "Z10132843TYUYSLUG4HA3",
    "ap-southeast-4": "Z092189423Y7RJK61311D",
    "ap-southeast-5": "Z0314042F0KBUTZ3X5HF",
    "ca-central-1": "Z19DQILCV0OWEC",
    "ca-west-1": "Z04745493436AWVTG1OQY",
    "eu-central-1": "Z1U9ULNL0V5AJ3",
    "eu-central-2": "Z09222482MK253X48U76H",
    "eu-west-1": "ZLY8HYME6SFDCH",
    "eu-west-2": "ZJ5UAJN8Y3Z2Q",
    "eu-west-3": "Z3KY65QIEKYHQQ",
    "eu-north-1": "Z3UWIKFBOOGXPP",
    "eu-south-1": "Z3BT4WSQ9TDYZV",
    "eu-south-2": "Z02499852UI5HEQ5JVWX3",
    "il-central-1": "Z07264553HBI44N5X2CKP",
    "me-south-1": "Z20ZBPC0SS8806",
    "me-central-1": "Z08780021BKYYY8U0YHTV",
    "sa-east-1": "ZCMLWB8V5SYIT",
    "us-gov-east-1": "Z3SE9ATJYCRCZJ",
    "us-gov-west-1": "Z1K6XKP9SAGWDV",
}

DOMAIN_NOT_FOUND = "Invalid domain name identifier specified"


def domain_key(name: str, domain_id: str | None = None) -> str:
    """The table key of a domain name (private ones carry their id)."""
    return f"{name}+{domain_id}" if domain_id else name


def domain_names(call: Call) -> dict[str, dict]:
    return call.store.table(DOMAINNAMES)


def domain_record(call: Call, name: str, domain_id: str | None = None) -> dict:
    """The record of a domain name, or AWS's ``NotFoundException``."""
    record = domain_names(call).get(domain_key(name, domain_id))
    if record is None:
        raise NotFoundException(DOMAIN_NOT_FOUND)
    return record


def domain_arn(region: str, account: str, name: str, domain_id: str | None = None) -> str:
    """A domain name's ARN: private ones name their account and id, public ones neither."""
    if domain_id:
        return f"arn:aws:apigateway:{region}:{account}:/domainnames/{name}+{domain_id}"
    return f"arn:aws:apigateway:{region}::/domainnames/{name}"


# -- routing (data plane) ------------------------------------------------------------------
