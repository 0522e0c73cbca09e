"""Request ids and the mock backend's reading of a rendered template."""

from __future__ import annotations

import os
import uuid

import pytest

from mockgw.execute.errors import GatewayError
from mockgw.execute.integrations.mock import answer
from mockgw.requestids import new_request_id


def test_request_ids_are_version_4_uuids_in_canonical_form():
    ids = [new_request_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(value)
        assert str(parsed) == value
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_process_draws_other_request_ids():
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its first id, then exit without running pytest's teardown
        os.write(write, new_request_id().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    os.close(read)
    assert uuid.UUID(child).version == 4
    assert child != new_request_id()


def test_mock_status_is_read_from_the_template_each_time_the_same():
    body = b'{"statusCode": 418}'
    assert [answer(body).status for _ in range(3)] == [418, 418, 418]
    assert answer(b"  " + body + b"\n").status == 418  # the same text, padded
    assert answer(b"").status == 200
    assert answer(b'{"other": 1}').status == 200


def test_a_template_that_is_not_json_fails_rest_apis_every_time():
    body = b"statusCode: 200"
    assert answer(body, json_required=False).status == 200  # WebSocket APIs: no statusCode
    for _ in range(2):  # REST APIs: the integration fails, however often it is read
        with pytest.raises(GatewayError) as failed:
            answer(body)
        assert failed.value.response_type == "INTEGRATION_FAILURE"
    with pytest.raises(GatewayError):
        answer(b'{"statusCode": "teapot"}')
    with pytest.raises(GatewayError):
        answer(b'{"statusCode": "teapot"}')
