"""Shade derivation: primary plus 50-950, lighter toward white, darker toward black."""

import pytest

from plugins.platform.colors import STEPS, normalize, palette


def _lightness(hex_color: str) -> int:
    return sum(int(hex_color[i:i + 2], 16) for i in (1, 3, 5))


def test_palette_has_primary_and_every_step():
    colors = palette("#EE456B")
    assert list(colors) == ["primary"] + [f"primary{step}" for step in STEPS]
    assert colors["primary"] == colors["primary500"] == "#EE456B"


def test_shades_darken_monotonically_from_50_to_950():
    colors = palette("#1E88E5")
    values = [_lightness(colors[f"primary{step}"]) for step in STEPS]
    assert values == sorted(values, reverse=True)
    assert len(set(values)) == len(values)


def test_known_mixes():
    # 90 % white over #EE456B for 50, 80 % black for 950
    colors = palette("#ee456b")
    assert colors["primary50"] == "#FDECF0"
    assert colors["primary950"] == "#300E15"
    assert colors["primary"] == "#EE456B"


def test_black_and_white_extremes():
    black = palette("#000000")
    assert black["primary50"] == "#E6E6E6" and black["primary950"] == "#000000"
    white = palette("#FFFFFF")
    assert white["primary50"] == "#FFFFFF" and white["primary950"] == "#333333"


@pytest.mark.parametrize("bad", ["EE456B", "#EE456", "#EE456BFF", "#GG0000", "", None, 123, "#ee456b ", "#EE456B\n"])
def test_rejects_anything_but_rrggbb(bad):
    with pytest.raises(ValueError):
        normalize(bad)
