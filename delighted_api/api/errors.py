"""Errors as Delighted's clients expect them: {"status", "message", "errors": [{"field", "message"}]}.

The platform's handler (common.api.errors) decides the status; bad input is a 422 here, as at
Delighted, and the client raises its own exception for 401, 422, 429 and 503.
"""

from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from common.api.errors import api_exception_handler


class ServiceNotSetUp(APIException):
    """The platform lacks what the Delighted API needs (its touchpoint, a survey asked there)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "not_set_up"


def delighted_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = api_exception_handler(exc, context)
    if response is None:
        return None
    error = response.data.get("error", {}) if isinstance(response.data, dict) else {}
    if response.status_code == status.HTTP_400_BAD_REQUEST and error.get("code") == "invalid":
        response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    fields = error.get("fields") or {}
    response.data = {
        "status": response.status_code,
        "message": error.get("message", ""),
        "errors": [{"field": field, "message": " ".join(messages)} for field, messages in fields.items()],
    }
    return response
