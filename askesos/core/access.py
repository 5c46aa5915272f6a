"""The one place that decides which rows a user may see (scope).

Every scoped model registers how it relates to regions and LPAs with ``register_scope``.
Views and selectors get querysets through ``scoped(user, queryset)`` and single objects
through ``get_in_scope_or_404``, so an object outside the user's scope is indistinguishable
from one that does not exist (HTTP 404), and no view can forget the check.

A user's scope is the union of:
- their region subtrees (``User.scope_regions``): rows whose region key falls in the subtree;
- their LPAs (``User.scope_lpas``): rows that belong to one of those LPAs;
- ``User.national_scope``: everything.
Members see only rows that belong to themselves (``member`` path), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from askesos.regions.codes import subtree_range

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopeRule:
    """Field paths from a model to the region key, the LPA id and the owning member's user id."""

    region: str | None = None
    lpa: str | None = None
    member_user: str | None = None
    public: bool = False  # reference data everybody signed in may read (schemes, regions)


_RULES: dict[type[models.Model], ScopeRule] = {}


def register_scope(model: type[models.Model], rule: ScopeRule) -> None:
    _RULES[model] = rule


def scope_rule(model: type[models.Model]) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(
            f"{model._meta.label} has no scope rule; call core.access.register_scope for it"
        ) from None


def registered_models() -> list[type[models.Model]]:
    return list(_RULES)


@dataclass(frozen=True)
class UserScope:
    national: bool
    region_ranges: tuple[tuple[int, int], ...]
    lpa_ids: frozenset[int]
    member_user_id: int | None

    @property
    def empty(self) -> bool:
        return not (self.national or self.region_ranges or self.lpa_ids or self.member_user_id)


def user_scope(user: Any) -> UserScope:
    """Read (and cache on the user object for this request) the user's scope."""
    cached = getattr(user, "_askesos_scope", None)
    if cached is not None:
        return cached
    from askesos.accounts.models import Role

    if not getattr(user, "is_authenticated", False):
        scope = UserScope(False, (), frozenset(), None)
    elif user.role == Role.MEMBER:
        scope = UserScope(False, (), frozenset(), user.pk)
    else:
        ranges = tuple(subtree_range(r.id, r.level) for r in user.scope_regions.all().only("id", "level"))
        lpas = frozenset(user.scope_lpas.values_list("id", flat=True))
        scope = UserScope(bool(user.national_scope), ranges, lpas, None)
    user._askesos_scope = scope
    return scope


def scope_q(user: Any, model: type[models.Model]) -> Q:
    """The filter that keeps only rows of ``model`` inside the user's scope."""
    rule = scope_rule(model)
    scope = user_scope(user)
    nothing = Q(pk__in=[])
    if scope.member_user_id is not None:
        if rule.member_user:
            return Q(**{rule.member_user: scope.member_user_id})
        return Q() if rule.public else nothing
    if scope.national or (rule.public and getattr(user, "is_authenticated", False)):
        return Q()
    parts: list[Q] = []
    if rule.region:
        parts += [
            Q(**{f"{rule.region}__gte": low, f"{rule.region}__lt": high}) for low, high in scope.region_ranges
        ]
    if rule.lpa and scope.lpa_ids:
        parts.append(Q(**{f"{rule.lpa}__in": sorted(scope.lpa_ids)}))
    return reduce(or_, parts) if parts else nothing


def scoped(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset.filter(scope_q(user, queryset.model))


def get_in_scope_or_404(user: Any, queryset: QuerySet[M] | type[M], **lookup: Any) -> M:
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        return scoped(user, qs).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def region_in_scope(user: Any, region_key: int) -> bool:
    scope = user_scope(user)
    return scope.national or any(low <= region_key < high for low, high in scope.region_ranges)
