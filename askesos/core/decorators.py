from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from askesos.accounts.permissions import Capability, has_capability

V = TypeVar("V", bound=Callable[..., HttpResponse])


def capability_required(capability: Capability) -> Callable[[V], V]:
    """Login required; then 403 unless the user's role has ``capability``.

    Scope (which rows) is checked separately by ``core.access`` and answers 404.
    """

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator
