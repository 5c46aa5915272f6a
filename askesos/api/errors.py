"""The API's error codes and its one error body: ``{"code": ..., "message": ..., "field": ...}``.

Codes the API itself produces are ``ErrorCode`` members; a refused business rule passes its
``DomainError.code`` through unchanged (the domain apps own those codes).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from askesos.core.errors import DomainError, TransitionError


class ErrorCode(StrEnum):
    VALIDATION_ERROR = "validation_error"
    BAD_REQUEST = "bad_request"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    UNSUPPORTED_KIND = "unsupported_kind"
    SERVER_ERROR = "server_error"


MESSAGES: dict[ErrorCode, Any] = {
    ErrorCode.VALIDATION_ERROR: _("The request is not valid."),
    ErrorCode.BAD_REQUEST: _("The request could not be read."),
    ErrorCode.NOT_AUTHENTICATED: _("Authentication credentials were missing or are not valid."),
    ErrorCode.PERMISSION_DENIED: _("Your role may not do this."),
    ErrorCode.NOT_FOUND: _("Not found."),
    ErrorCode.METHOD_NOT_ALLOWED: _("This method is not allowed here."),
    ErrorCode.CONFLICT: _("The request conflicts with the current state."),
    ErrorCode.RATE_LIMITED: _("Too many requests; retry later."),
    ErrorCode.IDEMPOTENCY_KEY_REUSED: _("This Idempotency-Key was already used with a different request."),
    ErrorCode.IDEMPOTENCY_KEY_INVALID: _("The Idempotency-Key header must be 1 to 255 printable characters."),
    ErrorCode.UNSUPPORTED_KIND: _("This kind of item cannot be synced."),
    ErrorCode.SERVER_ERROR: _("Internal server error."),
}

# Domain error codes that mean "the request is fine but collides with what exists" (HTTP 409).
CONFLICT_CODES = frozenset(
    {"conflict", "nik_taken", "receipt_conflict", "idempotency_conflict", "already_member", "already_exists"}
)


def error_body(code: str, message: Any = None, field: str | None = None) -> dict[str, str | None]:
    if message is None:
        message = MESSAGES.get(ErrorCode(code), "") if code in ErrorCode._value2member_map_ else ""
    return {"code": str(code), "message": str(message), "field": field}


class ApiError(Exception):
    """An error the API answers directly, with its HTTP status and optional extra headers."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message: Any = None,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.body = error_body(code, message, field)
        self.headers = headers or {}


def domain_status(exc: DomainError) -> int:
    """409 for conflicts with existing state (a lost race, an existing row), else 422."""
    if isinstance(exc, TransitionError) or exc.code in CONFLICT_CODES:
        return 409
    return int(getattr(exc, "http_status", 422))


def domain_body(exc: DomainError) -> dict[str, str | None]:
    return error_body(exc.code, exc.message, exc.field)


def json_error(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> HttpResponse:
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown paths under /api/v1/ answer the JSON error body, not Django's HTML page."""
    return json_error(404, error_body(ErrorCode.NOT_FOUND))
