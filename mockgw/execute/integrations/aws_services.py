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

import botocore
import botocore.session
from botocore.client import BaseClient
from botocore.config import Config
from botocore.credentials import Credentials, ReadOnlyCredentials
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader
from botocore.model import ServiceModel

from mockgw.execute.integrations.aws_prefixes import ENDPOINT_PREFIXES

#: Endpoint prefixes shared by several clients, and the client API Gateway means by them
#: (any other prefix is found in :data:`.aws_prefixes.ENDPOINT_PREFIXES`).
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
    """Every botocore client name by its endpoint prefix: the generated table, plus the
    services this botocore has that the table does not know (their models only)."""
    names: dict[str, list[str]] = {}
    for name, prefix in sorted({**ENDPOINT_PREFIXES, **_scan_models(known=ENDPOINT_PREFIXES)}
                               .items()):
        names.setdefault(prefix, []).append(name)
    return names


def _scan_models(known: dict[str, str] | frozenset[str] = frozenset()) -> dict[str, str]:
    """``{client name: endpoint prefix}`` read from botocore's models, skipping ``known``
    names (a loader of its own, so the models are not kept in memory)."""
    loader = Loader()
    return {name: loader.load_service_model(name, "service-2")["metadata"].get(
                "endpointPrefix") or name
            for name in loader.list_available_services("service-2") if name not in known}


def write_table(path: str | None = None) -> None:
    """Regenerate :mod:`.aws_prefixes` (``path``: that module's file) from the installed
    botocore's models: ``python -c "from mockgw.execute.integrations.aws_services import
    write_table; write_table()"``."""
    import pathlib

    path = path or str(pathlib.Path(__file__).with_name("aws_prefixes.py"))
    header = ('"""Every botocore client name with its endpoint prefix '
              '(``metadata.endpointPrefix``).\n\n'
              f"Generated from botocore {botocore.__version__}'s service models by\n"
              "``aws_services.write_table()``, so that naming a service by its endpoint "
              "prefix never loads\nevery model; services added to botocore later are "
              "looked up in their own models\n(see :mod:`.aws_services`).\n"
              '"""\n\nENDPOINT_PREFIXES: dict[str, str] = {\n')
    rows = "".join(f'    "{name}": "{prefix}",\n'
                   for name, prefix in sorted(_scan_models().items()))
    with open(path, "w") as table:
        table.write(header + rows + "}\n")
