from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "askesos.workforce"
    label = "workforce"
    verbose_name = _("Field workforce")

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(NavItem(_("Training"), "workforce:training_needs", Capability.VIEW_WORKFORCE))
        register_menu_item(NavItem(_("Officer KPIs"), "workforce:kpis", Capability.VIEW_WORKFORCE))
        register_menu_item(NavItem(_("Honoraria"), "workforce:honorarium_list", Capability.VIEW_WORKFORCE))
        register_menu_item(NavItem(_("Facilities"), "workforce:facilities", Capability.VIEW_WORKFORCE))
