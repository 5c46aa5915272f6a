from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "askesos.membership"
    label = "membership"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(
            NavItem(_("Members"), "membership:list", Capability.VIEW_MEMBERS), before="audit:list"
        )
        register_menu_item(NavItem(_("Enrol"), "membership:enrol", Capability.ENROL), before="audit:list")
