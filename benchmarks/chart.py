"""The headline chart, drawn with Pillow (no plotting library needed).

Six panels, ours against fritzconnection: set-up requests, set-up time on loopback and with
20 ms added per request; then the same for one poll.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from pathlib import Path

WIDTH, HEIGHT = 1500, 980
BACKGROUND = "#ffffff"
INK = "#1d2733"
MUTED = "#6b7785"
GRID = "#e3e7ec"
OURS_COLOUR = "#0b7a75"
THEIRS_COLOUR = "#d9822b"


@dataclass(frozen=True, slots=True)
class Panel:
    """One bar pair."""

    title: str
    unit: str
    ours: float
    theirs: float
    ratio: float  # fritzconnection / ours, the median of the paired ratios
    decimals: int


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _format(value: float, decimals: int) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:,.{decimals}f}"


def _nice_max(value: float) -> float:
    """Return a round axis end a little above ``value``."""
    if value <= 0 or math.isnan(value):
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        top = step * 10.0**exponent
        if top >= value * 1.08:
            return top
    return 10.0 ** (exponent + 1)


def _panel(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], panel: Panel) -> None:
    left, top, right, bottom = box
    title_font, label_font, value_font = _font(21), _font(16), _font(19)
    draw.text((left, top), panel.title, fill=INK, font=title_font)
    draw.text((left, top + 28), panel.unit, fill=MUTED, font=label_font)

    plot_top, plot_bottom = top + 80, bottom - 46
    plot_left, plot_right = left + 10, right - 10
    axis_max = _nice_max(max(panel.ours, panel.theirs))
    for i in range(5):
        y = plot_bottom - (plot_bottom - plot_top) * i / 4
        draw.line((plot_left, y, plot_right, y), fill=GRID, width=1)
    draw.line((plot_left, plot_bottom, plot_right, plot_bottom), fill=MUTED, width=2)

    bar_width = (plot_right - plot_left) // 4
    for index, (name, value, colour) in enumerate(
        (("ours", panel.ours, OURS_COLOUR), ("fritzconnection", panel.theirs, THEIRS_COLOUR))
    ):
        x0 = plot_left + bar_width // 2 + index * (bar_width * 3 // 2) + bar_width // 4
        height = 0.0 if math.isnan(value) else (plot_bottom - plot_top) * value / axis_max
        y0 = plot_bottom - max(height, 2.0)
        draw.rectangle((x0, y0, x0 + bar_width, plot_bottom), fill=colour)
        text = _format(value, panel.decimals)
        text_width = draw.textlength(text, font=value_font)
        draw.text((x0 + (bar_width - text_width) / 2, y0 - 26), text, fill=INK, font=value_font)
        name_width = draw.textlength(name, font=label_font)
        draw.text(
            (x0 + (bar_width - name_width) / 2, plot_bottom + 8),
            name,
            fill=MUTED,
            font=label_font,
        )
    if not math.isnan(panel.ratio):
        ratio = f"fritzconnection / ours = {panel.ratio:.1f}x (paired)"
        draw.text((left, bottom - 18), ratio, fill=INK, font=label_font)


def draw_chart(
    path: Path,
    loopback: dict[str, Any],
    latency: dict[str, Any],
    latency_ms: float,
    subtitle: str,
) -> None:
    """Write the PNG from two client parts of the results (``summary`` and ``ratios``)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text(
        (40, 24),
        "FRITZ!Box TR-064: our async client vs fritzconnection (same simulated box)",
        fill=INK,
        font=_font(30),
    )
    draw.text((40, 66), subtitle, fill=MUTED, font=_font(17))
    added = f"+{latency_ms:.0f} ms per request"

    def panel(title: str, unit: str, source: dict[str, Any], key: str, decimals: int) -> Panel:
        summary, ratios = source["summary"], source["ratios"]
        return Panel(
            title,
            unit,
            summary["ours"][key],
            summary["fritzconnection"][key],
            ratios[key.removesuffix("_ms")],
            decimals,
        )

    rows = (
        (
            "Set-up: from nothing to the first GetInfo + GetDDNSInfo results",
            (
                panel("HTTP requests", "count, loopback", loopback, "setup_requests", 0),
                panel("Wall time, loopback", "ms, median", loopback, "setup_wall_ms", 1),
                panel(f"Wall time, {added}", "ms, median", latency, "setup_wall_ms", 0),
            ),
        ),
        (
            "Steady state: one poll = GetInfo + GetDDNSInfo",
            (
                panel("HTTP requests per poll", "count, loopback", loopback, "poll_requests", 1),
                panel("Latency, loopback", "ms, median", loopback, "poll_median_ms", 2),
                panel(f"Latency, {added}", "ms, median", latency, "poll_median_ms", 1),
            ),
        ),
    )
    row_top = 110
    row_height = (HEIGHT - row_top - 60) // 2
    column_width = (WIDTH - 80) // 3
    for row_index, (heading, panels) in enumerate(rows):
        top = row_top + row_index * row_height
        draw.text((40, top + 8), heading, fill=INK, font=_font(24))
        for column, item in enumerate(panels):
            left = 40 + column * column_width
            _panel(
                draw, (left + 10, top + 48, left + column_width - 30, top + row_height - 10), item
            )

    legend_y = HEIGHT - 42
    for offset, (name, colour) in enumerate(
        (
            ("ours (aiohttp, custom_components/…/tr064)", OURS_COLOUR),
            ("fritzconnection (requests, default settings)", THEIRS_COLOUR),
        )
    ):
        x = 40 + offset * 520
        draw.rectangle((x, legend_y, x + 22, legend_y + 22), fill=colour)
        draw.text((x + 32, legend_y), name, fill=INK, font=_font(18))
    image.save(path, optimize=True)
