"""Gateway errors: the answers API Gateway itself gives (gateway responses)."""

from __future__ import annotations

#: type -> (default status, x-amzn-ErrorType, default message), as AWS answers them.
GATEWAY_ERRORS: dict[str, tuple[int, str, str | None]] = {
    "ACCESS_DENIED": (403, "AccessDeniedException",
                      "User is not authorized to access this resource"),
    "API_CONFIGURATION_ERROR": (500, "ApiConfigurationException", "Internal server error"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "AuthorizerConfigurationException", None),
    "AUTHORIZER_FAILURE": (500, "AuthorizerFailureException", None),
    "BAD_REQUEST_PARAMETERS": (400, "BadRequestException", "Missing required request parameters"),
    "BAD_REQUEST_BODY": (400, "BadRequestException", "Invalid request body"),
    "EXPIRED_TOKEN": (403, "ExpiredTokenException", "The security token included in the "
                                                    "request is expired"),
    "FORBIDDEN": (403, "ForbiddenException", "Forbidden"),
    "INTEGRATION_FAILURE": (500, "InternalServerErrorException", "Internal server error"),
    "INTEGRATION_TIMEOUT": (504, "InternalServerErrorException", "Endpoint request timed out"),
    "INVALID_API_KEY": (403, "ForbiddenException", "Forbidden"),
    "INVALID_SIGNATURE": (403, "InvalidSignatureException", "The request signature we "
                          "calculated does not match the signature you provided."),
    "MISSING_AUTHENTICATION_TOKEN": (403, "MissingAuthenticationTokenException",
                                     "Missing Authentication Token"),
    "QUOTA_EXCEEDED": (429, "LimitExceededException", "Limit Exceeded"),
    "REQUEST_TOO_LARGE": (413, "RequestTooLargeException", "Request Too Long"),
    "RESOURCE_NOT_FOUND": (404, "NotFoundException", "Not Found"),
    "THROTTLED": (429, "TooManyRequestsException", "Too Many Requests"),
    "UNAUTHORIZED": (401, "UnauthorizedException", "Unauthorized"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "BadRequestException", "Unsupported Media Type"),
    "WAF_FILTERED": (403, "WafFilteredException", "Forbidden"),
}


class GatewayError(Exception):
    """Stops the pipeline; answered with the API's gateway response of ``response_type``.

    ``status`` overrides the type's default (e.g. 502 for malformed Lambda output), and
    ``message`` its default message (``$context.error.message``), ``error_type`` its
    ``x-amzn-ErrorType`` (e.g. ``IncompleteSignatureException`` on ``INVALID_SIGNATURE``).
    """

    def __init__(self, response_type: str, message: str | None = None, *,
                 status: int | None = None, log: str | None = None,
                 headers: dict[str, str] | None = None,
                 error_type: str | None = None) -> None:
        default_status, code, default_message = GATEWAY_ERRORS[response_type]
        super().__init__(message or default_message)
        self.response_type = response_type
        self.status = status or default_status
        self.error_type = error_type or code
        self.message = message if message is not None else default_message
        self.log = log
        self.headers = headers or {}
