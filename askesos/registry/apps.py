from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "askesos.registry"
    label = "registry"

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(
            NavItem(_("Persons"), "registry:search", Capability.VIEW_REGISTRY), before="lpa:list"
        )
        register_menu_item(
            NavItem(_("Import"), "registry:import", Capability.IMPORT_MEMBERS), before="lpa:list"
        )
        register_menu_item(
            NavItem(_("Duplicates"), "registry:duplicates", Capability.REVIEW_DUPLICATES), before="lpa:list"
        )
