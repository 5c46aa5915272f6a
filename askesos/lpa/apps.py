from django.apps import AppConfig


class LpaConfig(AppConfig):
    name = "askesos.lpa"
    label = "lpa"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(
            NavItem(_("Field officers"), "lpa:officer_list", Capability.VIEW_LPAS), before="regions:browse"
        )
