"""API v1: the NinjaAPI instance, its routers and its one error body for every failure.

Every failure answers ``{"code", "message", "field"}`` (``askesos.api.errors``): request
validation (422, first offending field), refused business rules (422, or 409 for conflicts), 401,
403, 404, 429 (with Retry-After) and 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from askesos.api.auth import API_AUTH
from askesos.api.errors import ApiError, ErrorCode, domain_body, domain_status, error_body
from askesos.api.routers import lpas, members, outreach, payments, persons, regions, sync
from askesos.core.errors import DomainError

logger = logging.getLogger("askesos.api")

DESCRIPTION = """Askesos REST API, version 1.

Authenticate with `Authorization: Bearer <token>` (create a personal token on the "API tokens"
page) or, from a browser, with the signed-in session (unsafe methods then need the
`X-CSRFToken` header). Every answer follows the same scope rules as the web pages: rows outside
your scope answer 404, actions your role may not take answer 403.

Errors always have the body `{"code": "...", "message": "...", "field": "..." | null}`.
POST endpoints accept an `Idempotency-Key` header: the same key with the same body replays the first
answer (same status); the same key with another body answers 422 `idempotency_key_reused`.
"""

api = NinjaAPI(
    title="Askesos API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=API_AUTH,
    docs_url=None,  # a server-rendered page (askesos.api.views.docs): no CDN, no inline script
)

for module in (regions, lpas, persons, members, payments, outreach, sync):
    api.add_router("/", module.router)


def _respond(
    request: HttpRequest, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field(loc: list[Any] | tuple[Any, ...]) -> str | None:
    """``("body", "payload", "items", 0, "nik")`` → ``"items.0.nik"``; ``("query", "limit")`` → ``limit``."""
    parts = list(loc)
    if parts and parts[0] == "body" and len(parts) > 2:
        parts = parts[2:]
    elif parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or None


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    message = first.get("msg") or error_body(ErrorCode.VALIDATION_ERROR)["message"]
    return _respond(
        request, 422, error_body(ErrorCode.VALIDATION_ERROR, message, _field(first.get("loc", ())))
    )


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _respond(request, exc.status, exc.body, exc.headers)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _respond(request, domain_status(exc), domain_body(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _respond(request, 404, error_body(ErrorCode.NOT_FOUND))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _respond(request, 403, error_body(ErrorCode.PERMISSION_DENIED))


_HTTP_CODES = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    409: ErrorCode.CONFLICT,
    422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.RATE_LIMITED,
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _HTTP_CODES.get(exc.status_code, ErrorCode.BAD_REQUEST)
    headers: dict[str, str] = {}
    message = None
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = 'Bearer realm="askesos"'
    elif isinstance(exc, Throttled) and exc.wait:
        headers["Retry-After"] = str(int(exc.wait))
    elif exc.status_code == 403:
        message = str(exc)  # "CSRF check Failed": say why
    return _respond(request, exc.status_code, error_body(code, message), headers)


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return _respond(request, 500, error_body(ErrorCode.SERVER_ERROR))
