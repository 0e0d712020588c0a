"""The TOML configuration: read once at start-up, every section parsed and validated
into typed settings (unknown keys rejected, errors naming the key path).

``load`` holds :class:`Config` and the top level; ``reminders`` and ``retention``
their sections; ``errors`` the :class:`ConfigError` they all raise.
"""

from bot.config.errors import ConfigError
from bot.config.load import Config, load_config, parse_config
from bot.config.reminders import ReminderSettings
from bot.config.retention import Retention

__all__ = ["Config", "ConfigError", "ReminderSettings", "Retention", "load_config", "parse_config"]
