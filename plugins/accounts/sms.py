"""Text messages behind one small interface.

No SMS gateway is wired in yet, so the only provider is the outbox: each
message becomes a JSON file under ``var/sms/``, the way e-mail without SMTP
lands in ``var/mail/``. A real gateway implements ``SmsProvider`` and is
returned by ``provider()``.
"""

import json
import logging
import uuid
from pathlib import Path
from typing import Protocol

import phonenumbers

from kernel import config
from kernel.orm import utcnow

log = logging.getLogger("qutecat.sms")


class SmsProvider(Protocol):
    def send(self, to: str, text: str) -> None:
        """Deliver ``text`` to the E.164 number ``to`` (raise to have the task retried)."""


class OutboxSms:
    """Development delivery: one file per message, readable by a developer or a test."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, to: str, text: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        message = {"to": to, "text": text, "at": utcnow().isoformat(timespec="seconds")}
        (self.folder / f"{uuid.uuid4().hex}.json").write_text(json.dumps(message))


def provider() -> SmsProvider:
    if config.settings.is_production:
        log.warning("no SMS gateway is configured; text messages go to var/sms/")
    return OutboxSms(config.settings.var_dir / "sms")


def international(phone: str, phone_code: str | None) -> str:
    """The number in E.164 (national trunk prefix dropped) when its country code is known."""
    code = (phone_code or "").lstrip("+")
    if code.isdigit():
        region = phonenumbers.region_code_for_country_code(int(code))
        try:
            return phonenumbers.format_number(
                phonenumbers.parse(phone, region), phonenumbers.PhoneNumberFormat.E164
            )
        except phonenumbers.NumberParseException:
            pass
    return phone
