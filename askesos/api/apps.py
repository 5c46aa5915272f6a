from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "askesos.api"
    label = "api"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(NavItem(_("API tokens"), "api:tokens", Capability.USE_API))
