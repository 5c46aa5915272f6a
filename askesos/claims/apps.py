from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "askesos.claims"
    label = "claims"
    verbose_name = _("Claims")

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(NavItem(_("Claims"), "claims:queue", Capability.VIEW_CLAIMS))
        register_menu_item(NavItem(_("New claim"), "claims:new", Capability.INTAKE_CLAIMS))
        register_menu_item(NavItem(_("Claims register"), "claims:register", Capability.VIEW_CLAIMS))
