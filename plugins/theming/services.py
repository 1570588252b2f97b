"""Shop themes and the platform scheme.

A shop's saved theme is cached per shop until the shared state version moves;
saving one bumps it (after commit) so every process shows the new colours.
"""

from kernel import context, invalidation
from kernel.orm import utcnow
from plugins.platform import colors, theme
from plugins.platform import services as platform
from plugins.theming.models import Theme

_themes = invalidation.VersionedCache()


def _load(tenant_id: int) -> dict | None:
    with context.use(tenant=tenant_id):
        row = Theme.select(Theme.primary).first()
    return None if row is None else {"primary": row.primary}


def saved_theme(tenant_id: int) -> dict | None:
    """The shop's own ``{"primary": ...}``, or None when it has not saved one."""
    return _themes.get(int(tenant_id), _load)


def save_theme(primary: str) -> dict:
    """Save the primary colour (and its shades) of the shop in context; inside the caller's transaction."""
    palette = colors.palette(primary)
    shades = {k: v for k, v in palette.items() if k != "primary"}
    updated = Theme.update(primary=palette["primary"], shades=shades, updated_at=utcnow()).execute()
    if not updated:
        Theme.create(primary=palette["primary"], shades=shades)
    invalidation.bump()
    return palette


def shop_theme(tenant_id: int) -> dict:
    """The seller's view: the shop's saved theme, else the platform scheme it inherits."""
    return theme.describe(saved_theme(tenant_id))


def update_platform_scheme(primary: str | None = None, branding: dict | None = None) -> None:
    """Change the platform's default primary colour and/or branding flags (the keys given)."""
    changes = {}
    if primary is not None:
        changes["theme_primary"] = colors.normalize(primary)
    if branding:
        changes["branding"] = {**theme.branding(), **branding}
    if changes:
        platform.set_settings(changes)


def apply_branding(data: dict) -> bool:
    """Apply a branding (primary colour plus flags) once: never over a branding already in place.

    Returns whether it was applied, so re-running the branding phase changes no row
    and never undoes an administrator's later changes.
    """
    if not platform.ensure_setting("branding", data["branding"]):
        return False
    platform.set_settings({"theme_primary": colors.normalize(data["theme_primary"])})
    return True
