from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from askesos.core.navigation import grouped_menu_for, menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": [], "nav_groups": []}
    return {"nav_items": menu_for(user), "nav_groups": grouped_menu_for(user)}
