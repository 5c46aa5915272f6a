from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, include, path

from askesos.api import views
from askesos.api.api import api
from askesos.api.errors import ErrorCode, error_body, json_error, not_found_view


def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a wrong method with Django's plain-text 405; give it the API error body."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return json_error(405, error_body(ErrorCode.METHOD_NOT_ALLOWED), {"Allow": response["Allow"]})
        return response

    return wrapped


def _api_urls() -> Any:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_405(pattern.callback)
    return patterns, app_name, namespace


# No app_name here: the ninja API has its own namespace ("api-v1", which ninja reverses by that
# name), the pages have the "api" namespace.
pages = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("v1/docs", views.docs, name="docs"),
]

urlpatterns = [
    path("", include((pages, "api"))),
    path("v1/", _api_urls()),
    path("v1/<path:rest>", not_found_view),
]
