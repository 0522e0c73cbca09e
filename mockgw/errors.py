"""Modeled service errors.

Handlers raise these; the protocol layer turns them into the wire form the service's
botocore model describes (status code from the error shape, ``x-amzn-ErrorType``, a JSON
body with the message).  Nothing here knows about HTTP beyond the default status code.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """An error that answers a request with a modeled error shape.

    ``code`` names the error shape in the service model (``BadRequestException``, ...).
    ``status`` is used when the model does not give one.  Extra ``fields`` fill other
    members of the error shape (e.g. Lambda's ``Type``) or header members
    (``retryAfterSeconds``).
    """

    code: str = "ServiceError"
    status: int = 400

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 status: int | None = None, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.fields = fields

    def __repr__(self) -> str:
        return f"{self.code}({self.message!r})"


class BadRequestException(ServiceError):
    code, status = "BadRequestException", 400


class NotFoundException(ServiceError):
    code, status = "NotFoundException", 404


class ConflictException(ServiceError):
    code, status = "ConflictException", 409


class UnauthorizedException(ServiceError):
    code, status = "UnauthorizedException", 401


class LimitExceededException(ServiceError):
    code, status = "LimitExceededException", 429


class TooManyRequestsException(ServiceError):
    code, status = "TooManyRequestsException", 429


class UnknownOperationError(ServiceError):
    """No operation of any served model matches the request's method and path."""

    code, status = "UnknownOperationException", 404


# Lambda's error family.
class ResourceNotFoundException(ServiceError):
    code, status = "ResourceNotFoundException", 404


class ResourceConflictException(ServiceError):
    code, status = "ResourceConflictException", 409


class InvalidParameterValueException(ServiceError):
    code, status = "InvalidParameterValueException", 400


class PreconditionFailedException(ServiceError):
    code, status = "PreconditionFailedException", 412
