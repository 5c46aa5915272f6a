from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "askesos.analytics"
    label = "analytics"
    verbose_name = _("Coverage and indicators")

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(NavItem(_("Coverage"), "analytics:coverage", Capability.VIEW_COVERAGE))
        register_menu_item(NavItem(_("Scorecard"), "analytics:scorecard_index", Capability.VIEW_SCORECARD))
