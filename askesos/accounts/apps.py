from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "askesos.accounts"
    label = "accounts"
