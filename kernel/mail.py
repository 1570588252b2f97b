"""Transactional e-mail over SMTP (``SMTP_URL``), or into var/mail/ in the embedded default."""

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlparse

from kernel import config
from kernel.queue import huey

DEFAULT_SENDER = "QuteCat <no-reply@qutecat.local>"


def build(to: str, subject: str, text: str, html: str | None = None, sender: str = DEFAULT_SENDER) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="qutecat.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    """Send now: over SMTP when configured, else write an .eml file."""
    url = config.settings.smtp_url
    if not url:
        folder = config.settings.var_dir / "mail"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
        return
    parsed = urlparse(url)
    port = parsed.port or (465 if parsed.scheme == "smtps" else 25)
    if parsed.scheme == "smtps":
        server = smtplib.SMTP_SSL(parsed.hostname, port, context=ssl.create_default_context(), timeout=20)
    else:
        server = smtplib.SMTP(parsed.hostname, port, timeout=20)
    with server:
        if parsed.scheme == "smtp+starttls":
            server.starttls(context=ssl.create_default_context())
        if parsed.username:
            server.login(unquote(parsed.username), unquote(parsed.password or ""))
        server.send_message(message)


@huey.task(retries=3, retry_delay=30)
def send_mail(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send one e-mail from a worker (enqueued after the change's commit)."""
    deliver(build(to, subject, text, html))
