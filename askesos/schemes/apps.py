from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "askesos.schemes"
    label = "schemes"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(
            NavItem(_("Schemes"), "schemes:list", Capability.VIEW_SCHEMES), before="audit:list"
        )
