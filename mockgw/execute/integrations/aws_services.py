"""Which AWS service an integration URI names, and the botocore client that reaches it.

API Gateway names a service by its endpoint prefix (``kinesis``, ``states``, ``sqs``),
optionally after a subdomain (``my-bucket.s3``); botocore names it by its client name
(``kinesis``, ``stepfunctions``).  The client is only used for what botocore resolves
from the environment: the endpoint URL (``AWS_ENDPOINT_URL_<SERVICE_ID>``, then
``AWS_ENDPOINT_URL``, the shared config file, else the service's AWS endpoint for the
region), the credentials, and the ``before-send`` handlers (moto's ``mock_aws``).
"""

from __future__ import annotations

import functools
import os
import threading

import botocore.session
from botocore.client import BaseClient
from botocore.config import Config
from botocore.credentials import Credentials, ReadOnlyCredentials
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader
from botocore.model import ServiceModel

#: Endpoint prefixes API Gateway users often name whose botocore client name differs
#: (any other prefix is found by scanning botocore's models once).
_CLIENT_NAMES = {
    "states": "stepfunctions",
    "monitoring": "cloudwatch",
    "email": "ses",
    "streams.dynamodb": "dynamodbstreams",
    "runtime.sagemaker": "sagemaker-runtime",
    "execute-api": "apigatewaymanagementapi",
    "elasticloadbalancing": "elbv2",
}
#: Used when botocore finds no credentials (moto, LocalStack accept any).
_PLACEHOLDER_CREDENTIALS = ReadOnlyCredentials("testing", "testing", None)
_CLIENT_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})


def endpoint_variable(model: ServiceModel) -> str:
    """The service's endpoint variable, e.g. ``AWS_ENDPOINT_URL_SFN`` (botocore's rule:
    the service id, hyphenized, with ``_`` for ``-``, upper-cased)."""
    return "AWS_ENDPOINT_URL_" + model.service_id.hyphenize().replace("-", "_").upper()


class AwsServices:
    """A botocore session with one client per (service, region), for one mockgw instance.

    The session is renewed whenever the process's ``AWS_*`` environment changes, so
    endpoint and credential variables set later (or by moto's ``mock_aws``) take effect.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._renew(_aws_environment())

    def _renew(self, environment: tuple[tuple[str, str], ...]) -> None:
        self._environment = environment
        self._session = botocore.session.Session()
        self._clients: dict[tuple[str, str], BaseClient] = {}
        self._credentials: Credentials | None = None
        self._looked_up = False

    def _current_session(self) -> botocore.session.Session:
        environment = _aws_environment()
        if environment != self._environment:
            self._renew(environment)
        return self._session

    def find(self, host: str) -> tuple[str, ServiceModel] | None:
        """``(subdomain, service model)`` for the URI's ``{subdomain.service|service}``."""
        labels = host.split(".")
        suffixes = [(".".join(labels[:i]), ".".join(labels[i:])) for i in range(len(labels))]
        with self._lock:
            session = self._current_session()
            for subdomain, prefix in suffixes:
                try:
                    return subdomain, session.get_service_model(_CLIENT_NAMES.get(prefix, prefix))
                except UnknownServiceError:
                    continue
            for subdomain, prefix in suffixes:
                names = _client_names_by_prefix().get(prefix)
                if names:
                    return subdomain, session.get_service_model(names[0])
        return None

    def client(self, name: str, region: str) -> BaseClient:
        """The client of service ``name`` in ``region`` (for its endpoint and events)."""
        with self._lock:
            session = self._current_session()
            key = (name, region)
            if key not in self._clients:
                self._clients[key] = session.create_client(name, region_name=region,
                                                           config=_CLIENT_CONFIG)
            return self._clients[key]

    def credentials(self) -> ReadOnlyCredentials:
        """The environment's credentials (botocore's chain), else placeholder ones."""
        with self._lock:
            session = self._current_session()
            if not self._looked_up:
                self._credentials, self._looked_up = session.get_credentials(), True
            credentials = self._credentials
        if credentials is None:
            return _PLACEHOLDER_CREDENTIALS
        return credentials.get_frozen_credentials()  # refreshed when they expire


def _aws_environment() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_")))


@functools.cache
def _client_names_by_prefix() -> dict[str, list[str]]:
    """Every botocore client name by its endpoint prefix (a one-off scan of the models,
    with a loader of its own so the models are not kept in memory)."""
    loader = Loader()
    names: dict[str, list[str]] = {}
    for name in loader.list_available_services("service-2"):
        prefix = loader.load_service_model(name, "service-2")["metadata"].get("endpointPrefix")
        names.setdefault(prefix, []).append(name)
    return names
