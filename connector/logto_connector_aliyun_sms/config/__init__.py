"""The connector config: its JSON Schema file, ``validate_config`` (on ``jsonschema``),
``check_config`` with its warnings, and the prepared-config cache the send path reads."""

from .check import check_config, config_warnings
from .prepared import PreparedConfig, prepare_config
from .schema import CONFIG_SCHEMA, schema_path
from .validate import validate_config, without_blank_options

__all__ = [
    "CONFIG_SCHEMA",
    "PreparedConfig",
    "check_config",
    "config_warnings",
    "prepare_config",
    "schema_path",
    "validate_config",
    "without_blank_options",
]
