"""Background delivery of the accounts plugin's messages (enqueued after commit)."""

from kernel.queue import huey
from plugins.accounts import sms


@huey.task(retries=3, retry_delay=30)
def send_sms(to: str, text: str) -> None:
    """Send one text message from a worker."""
    sms.provider().send(to, text)
