"""``--connector``: which of the two connectors a command speaks for.

``aliyun-short-message-service`` (SendSms, the default) or ``aliyun-short-message-auth-service``
(the Message Authentication Service, ``mas``); ``sms`` and ``mas`` are short for them. Each
entry knows its metadata, schema, config checks and send, all imported lazily.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

SMS_ID = "aliyun-short-message-service"
MAS_ID = "aliyun-short-message-auth-service"
ALIASES = {"sms": SMS_ID, "sendsms": SMS_ID, "mas": MAS_ID}
CHOICES = (SMS_ID, MAS_ID, *ALIASES)


@dataclass(frozen=True)
class Chosen:
    """One connector, as the CLI uses it."""

    id: str

    @property
    def is_mas(self) -> bool:
        """The Message Authentication Service connector."""
        return self.id == MAS_ID

    def metadata(self) -> dict[str, Any]:
        """Its METADATA."""
        if self.is_mas:
            from ..mas import METADATA as MAS_METADATA

            return MAS_METADATA
        from ..texts import METADATA

        return METADATA

    def metadata_for(self, language: str) -> dict[str, Any]:
        """Its metadata with the form in one language."""
        if self.is_mas:
            from ..mas import metadata_for as mas_metadata_for

            return mas_metadata_for(language)
        from ..texts import metadata_for

        return metadata_for(language)

    def schema(self) -> dict[str, Any]:
        """Its CONFIG_SCHEMA."""
        if self.is_mas:
            from ..mas import CONFIG_SCHEMA as MAS_SCHEMA

            return MAS_SCHEMA
        from ..config import CONFIG_SCHEMA

        return CONFIG_SCHEMA

    def prepare(self, config: Any) -> Any:
        """The validated config with its endpoint (``.config``, ``.endpoint``)."""
        if self.is_mas:
            from ..mas.prepared import prepare_config as prepare_mas

            return prepare_mas(config)
        from ..config import prepare_config

        return prepare_config(config)

    def send(self, data: Any, config: Any) -> dict[str, Any]:
        """``send_message`` of this connector."""
        if self.is_mas:
            from ..mas import send_message as send_mas

            return send_mas(data, config)
        from ..send import send_message

        return dict(send_message(data, config))

    def check(self, config: Any, language: str = "en") -> dict[str, Any]:
        """``check_config`` of this connector, warnings in ``language``."""
        if self.is_mas:
            from ..mas import check_config as check_mas

            return check_mas(config, language)
        from ..config import check_config

        return check_config(config, language)

    async def send_async(self, data: Any, config: Any) -> dict[str, Any]:
        """``send_message_async`` of this connector."""
        if self.is_mas:
            from ..mas import send_message_async as send_mas_async

            return await send_mas_async(data, config)
        from ..send import send_message_async

        return dict(await send_message_async(data, config))

    def sandbox_config(self, sandbox: Any) -> dict[str, Any]:
        """A config of this connector pointing at a running sandbox."""
        config: dict[str, Any] = sandbox.mas_config() if self.is_mas else sandbox.connector_config()
        return config


def add_connector_argument(parser: argparse.ArgumentParser) -> None:
    """``--connector ID``: the SendSms connector (default) or the MAS one."""
    parser.add_argument(
        "--connector",
        default=SMS_ID,
        choices=CHOICES,
        metavar="ID",
        help=f"which connector: {SMS_ID} (SendSms, the default; short: sms) or {MAS_ID} "
        "(Message Authentication Service: gift signatures, system templates, mainland numbers "
        "only; short: mas)",
    )


def chosen(args: argparse.Namespace) -> Chosen:
    """The connector the command's ``--connector`` names."""
    name = str(getattr(args, "connector", SMS_ID))
    return Chosen(ALIASES.get(name, name))


def biz_id(result: dict[str, Any]) -> Any:
    """The BizId of either connector's result (the MAS one keeps it in ``Model``)."""
    model = result.get("Model")
    return result.get("BizId") or (model.get("BizId") if isinstance(model, dict) else None)
