from askesos.membership.tests.conftest import _only_resolvable_menu_items

__all__ = ["_only_resolvable_menu_items"]
