from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "askesos.core"
    label = "core"
    verbose_name = "Askesos core"
