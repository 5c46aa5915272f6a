from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundConfig(AppConfig):
    name = "askesos.fund"
    label = "fund"
    verbose_name = _("Fund ledger")

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(NavItem(_("Fund"), "fund:overview", Capability.VIEW_FUND), before="audit:list")
