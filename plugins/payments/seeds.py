"""Essential payments data: the commission and withdrawal settings, and each gateway's row and logo."""

from kernel import storage
from kernel.seeddata import ensure
from kernel.seeding import Seeder
from plugins.payments.gateways import Gateway
from plugins.payments.models import PaymentGateway
from plugins.payments.services import DEFAULT_SETTINGS
from plugins.platform import logos
from plugins.platform import services as platform


def seed_settings(ctx) -> None:
    for key, value in DEFAULT_SETTINGS.items():
        platform.ensure_setting(key, value)


def gateway_seeder(gateway: Gateway, colour: str, sort_order: int) -> Seeder:
    """The essential seeder a gateway plugin returns: its operator row and a drawn logo, each once."""

    def run(ctx) -> None:
        key = f"payments/{gateway.name}.png"
        backend = storage.backend()
        if not backend.exists(key):
            backend.put(key, logos.draw(gateway.title, 256, 256, colour, "#FFFFFF"), content_type="image/png")
        ensure(PaymentGateway, {"name": gateway.name},
               {"title": gateway.title, "logo": key, "sort_order": sort_order})

    return Seeder("essential", f"{gateway.name} payment gateway", run, order=40)


SEEDERS = [Seeder("essential", "payment settings", seed_settings, order=40)]
