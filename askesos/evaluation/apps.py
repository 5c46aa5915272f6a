from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "askesos.evaluation"
    label = "evaluation"
    verbose_name = _("Implementation evaluation")

    def ready(self) -> None:
        from askesos.accounts.permissions import Capability
        from askesos.core.navigation import NavItem, register_menu_item

        register_menu_item(NavItem(_("Evaluation surveys"), "evaluation:rounds", Capability.VIEW_EVALUATION))
