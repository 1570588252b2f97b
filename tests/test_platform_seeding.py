"""Re-running the platform's and theming's seeders changes no row, and branding respects later edits."""

from kernel import context, db, seeding
from kernel.models import Tenant
from plugins.platform import services
from plugins.platform.models import MODELS as PLATFORM_MODELS
from plugins.theming.models import Theme

OWN_PLUGINS = ("platform", "theming")


def _rerun(platform) -> None:
    ctx = seeding.SeedContext(host=platform.host, production=False, demo_allowed=True, echo=lambda _m: None)
    for plugin, seeder in seeding.collect(platform.host):
        if plugin in OWN_PLUGINS:
            with db.transaction():
                seeder.run(ctx)


def _snapshot() -> dict:
    tables = {model.__name__: list(model.select().order_by(model.id).tuples()) for model in PLATFORM_MODELS}
    themes = []
    for tenant in Tenant.select(Tenant.id).order_by(Tenant.id):
        with context.use(tenant=tenant.id):
            themes.extend(Theme.select().order_by(Theme.id).tuples())
    tables["Theme"] = themes
    return tables


def test_rerunning_every_phase_changes_no_row(platform):
    # given a platform seeded once (essential, demo, branding)
    before = _snapshot()
    assert len(before["Country"]) == 249 and before["Currency"] and before["Theme"]
    # when the seeders run again
    _rerun(platform)
    # then every row of every table is exactly as it was
    assert _snapshot() == before


def test_branding_rerun_keeps_an_administrators_later_colour(platform):
    # given an administrator changed the platform colour after branding
    original = services.get_setting("theme_primary")
    with db.transaction():
        services.set_settings({"theme_primary": "#123456"})
    try:
        # when the branding phase runs again
        _rerun(platform)
        # then the administrator's colour stays
        assert services.get_setting("theme_primary") == "#123456"
    finally:
        with db.transaction():
            services.set_settings({"theme_primary": original})


def test_seeded_essentials(platform):
    assert services.get_setting("branding")["name"] == "zara"
    assert services.default_currency()["code"] == "USD"
    assert {lang["code"] for lang in services.active_languages()} == {"en", "ar", "bn"}
    assert {p["slug"] for p in services.legal_pages()} == {"privacy-policy", "terms-and-conditions",
                                                          "return-and-refund-policy"}
    assert {p["provider"] for p in services.social_auths()} == {"google", "facebook", "apple"}
    assert services.otp_settings()["phone_min_length"] == 9
