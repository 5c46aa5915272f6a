"""Pages: the user's API tokens (create shows the token once; revoke) and the API reference.

The reference is rendered on the server from the OpenAPI document: it works on an intranet without
a CDN and needs no script at all (the Content Security Policy forbids inline scripts).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from askesos.accounts.permissions import Capability
from askesos.api import tokens as token_services
from askesos.api.models import ApiToken
from askesos.core.decorators import capability_required
from askesos.core.errors import DomainError

_SESSION_KEY = "askesos_api_new_token"
_METHODS = ("get", "post", "put", "patch", "delete")


@capability_required(Capability.USE_API)
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; POST creates one and shows it once (after the redirect)."""
    if request.method == "POST":
        try:
            _token, raw = token_services.token_create(actor=request.user, name=request.POST.get("name", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            request.session[_SESSION_KEY] = raw
        return redirect("api:tokens")
    context = {
        "tokens": ApiToken.objects.filter(user_id=int(request.user.pk or 0)).order_by("-created_at", "-id"),
        "new_token": request.session.pop(_SESSION_KEY, None),
    }
    return render(request, "api/tokens.html", context)


@capability_required(Capability.USE_API)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user_id=int(request.user.pk or 0))
    try:
        token_services.token_revoke(actor=request.user, token=token)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens")


def _ref_name(schema: dict[str, Any] | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_ref_name(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list[{_ref_name(schema.get('items'))}]"
    return str(schema.get("type", ""))


def _operation(path: str, method: str, op: dict[str, Any]) -> dict[str, Any]:
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    responses = [
        {
            "status": status,
            "schema": _ref_name(r.get("content", {}).get("application/json", {}).get("schema")),
        }
        for status, r in op.get("responses", {}).items()
    ]
    params = [
        {
            "name": p["name"],
            "in": p["in"],
            "required": p.get("required", False),
            "type": _ref_name(p.get("schema")),
        }
        for p in op.get("parameters", [])
    ]
    return {
        "method": method.upper(),
        "path": path,
        "summary": op.get("summary", ""),
        "description": op.get("description", ""),
        "params": params,
        "body": _ref_name(body),
        "responses": responses,
        "anchor": op.get("operationId", ""),
    }


def _components(schema: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, comp in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(comp.get("required", []))
        fields = [
            {
                "name": field,
                "type": _ref_name(spec),
                "required": field in required,
                "description": spec.get("description", ""),
            }
            for field, spec in comp.get("properties", {}).items()
        ]
        rows.append({"name": name, "fields": fields})
    return rows


@login_required
def docs(request: HttpRequest) -> HttpResponse:
    from askesos.api.api import api

    schema = api.get_openapi_schema()
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema["paths"].items():
        for method in _METHODS:
            if method in item:
                op = item[method]
                groups.setdefault((op.get("tags") or ["other"])[0], []).append(_operation(path, method, op))
    context = {
        "info": schema["info"],
        "openapi_version": schema["openapi"],
        "groups": sorted(groups.items()),
        "components": _components(schema),
    }
    return render(request, "api/docs.html", context)
