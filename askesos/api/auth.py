"""How an API request says who it is: a bearer token, or the browser session (with CSRF).

A successful authentication also counts the request against the user's rate (``ratelimit``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from askesos.api.ratelimit import rate_check
from askesos.api.tokens import token_authenticate


def _admit(request: HttpRequest, user: Any) -> Any:
    rate_check(f"u{user.pk}")
    request.user = user
    return user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ask_…`` with a personal token from the "API tokens" page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        return None if user is None else _admit(request, user)


class SessionCsrfAuth(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token (X-CSRFToken header)."""

    def __call__(self, request: HttpRequest) -> Any:
        # Without a signed-in session there is nothing to check: answer "not me" (→ 401), not a CSRF 403.
        if not getattr(getattr(request, "user", None), "is_authenticated", False):
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return None if user is None else _admit(request, user)


API_AUTH = [TokenAuth(), SessionCsrfAuth(csrf=True)]
