"""``askesos import-members``: the hyphenated name of ``import_members`` (same command)."""

from askesos.registry.management.commands.import_members import Command

__all__ = ["Command"]
