from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "askesos.regions"
    label = "regions"
