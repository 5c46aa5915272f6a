"""The navigation menu, by capability: a user sees only what their role may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from askesos.accounts.permissions import Capability, has_capability


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    capability: Capability | None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU: list[NavItem] = [
    NavItem(_("Home"), "core:home", None),
    NavItem(_("LPAs"), "lpa:list", Capability.VIEW_LPAS),
    NavItem(_("Regions"), "regions:browse", Capability.VIEW_REGIONS),
    NavItem(_("Audit"), "audit:list", Capability.VIEW_AUDIT),
]


def register_menu_item(item: NavItem, *, before: str | None = None) -> None:
    """Capabilities add their own entries (from AppConfig.ready) instead of editing this list."""
    if any(existing.url_name == item.url_name for existing in MENU):
        return
    index = next((i for i, m in enumerate(MENU) if m.url_name == before), len(MENU))
    MENU.insert(index, item)


def menu_for(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in MENU if item.capability is None or has_capability(user, item.capability)]


# Menu sections, by the URL namespace of each entry, so apps need not know the layout.
GROUPS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("members", _("Members"), ("registry", "membership")),
    ("premiums", _("Premiums"), ("contributions",)),
    ("claims", _("Claims"), ("claims",)),
    ("field", _("Outreach and officers"), ("outreach", "workforce")),
    ("money", _("Funds"), ("fund",)),
    ("monitoring", _("Monitoring"), ("analytics", "evaluation", "reports", "regions")),
    ("admin", _("Administration"), ("lpa", "schemes", "audit", "notifications", "api")),
]


# Entries that belong with another section than their app's.
GROUP_OVERRIDES = {"lpa:officer_list": "field"}


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: Any
    items: list[NavItem]


def grouped_menu_for(user: Any) -> list[NavGroup]:
    items = [item for item in menu_for(user) if item.url_name != "core:home"]
    groups = []
    placed: set[str] = set()
    for key, label, namespaces in GROUPS:
        members = [
            i
            for i in items
            if GROUP_OVERRIDES.get(i.url_name, key if i.url_name.split(":")[0] in namespaces else "") == key
        ]
        placed.update(i.url_name for i in members)
        if members:
            groups.append(NavGroup(key, label, members))
    rest = [i for i in items if i.url_name not in placed]
    if rest:
        groups.append(NavGroup("other", _("Other"), rest))
    return groups
