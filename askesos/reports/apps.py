from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "askesos.reports"
    label = "reports"
    verbose_name = _("Standard reports")

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(NavItem(_("Reports"), "reports:list", Capability.VIEW_REPORTS))
