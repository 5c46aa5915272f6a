from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "askesos.audit"
    label = "audit"
