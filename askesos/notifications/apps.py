from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "askesos.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(
            NavItem(_("Outbox"), "notifications:outbox", Capability.VIEW_OUTBOX), before="audit:list"
        )
