from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "askesos.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(NavItem(_("Outreach"), "outreach:event_list", Capability.VIEW_OUTREACH))
        register_menu_item(NavItem(_("Funnel"), "outreach:funnel", Capability.VIEW_OUTREACH))
