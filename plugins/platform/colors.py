"""Colour palettes: the shades 50-950 of a primary colour, as ``theme_colors`` carries them."""

import re

# Anchored for the OpenAPI pattern; always applied with fullmatch so a trailing newline fails too.
HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")

# Share of white mixed in for the light shades and of black for the dark ones;
# 500 is the primary itself.
TINTS = {50: 0.90, 100: 0.80, 200: 0.60, 300: 0.40, 400: 0.20}
SHADES = {600: 0.16, 700: 0.32, 800: 0.48, 900: 0.64, 950: 0.80}
STEPS = (50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 950)


def normalize(color: str) -> str:
    """Return ``#RRGGBB`` in upper case; raise ``ValueError`` for anything else."""
    if not isinstance(color, str) or not HEX_COLOR.fullmatch(color):
        raise ValueError(f"not a #RRGGBB colour: {color!r}")
    return color.upper()


def _mix(rgb: tuple[int, int, int], toward: int, share: float) -> str:
    return "#" + "".join(f"{round(c + (toward - c) * share):02X}" for c in rgb)


def palette(primary: str) -> dict[str, str]:
    """Return ``primary`` and ``primary50`` ... ``primary950`` derived from one ``#RRGGBB`` colour."""
    primary = normalize(primary)
    rgb = tuple(int(primary[i:i + 2], 16) for i in (1, 3, 5))
    colors = {"primary": primary}
    for step in STEPS:
        if step in TINTS:
            colors[f"primary{step}"] = _mix(rgb, 255, TINTS[step])
        elif step in SHADES:
            colors[f"primary{step}"] = _mix(rgb, 0, SHADES[step])
        else:
            colors[f"primary{step}"] = primary
    return colors
