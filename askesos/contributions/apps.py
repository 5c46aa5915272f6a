from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "askesos.contributions"
    label = "contributions"
    verbose_name = _("Contributions")

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(NavItem(_("Record payment"), "contributions:record", Capability.RECORD_PAYMENT))
        register_menu_item(NavItem(_("Arrears"), "contributions:arrears", Capability.VIEW_CONTRIBUTIONS))
        register_menu_item(NavItem(_("Follow-up"), "contributions:followup", Capability.VIEW_CONTRIBUTIONS))
        register_menu_item(NavItem(_("Cash book"), "contributions:cashbook", Capability.VIEW_CONTRIBUTIONS))
