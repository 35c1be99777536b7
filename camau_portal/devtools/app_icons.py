"""Draws the installed app's icons: a white map pin over two waves of water on the portal's green.

Drawn at four times the size and scaled down, so the edges are smooth. A maskable icon fills
its square and keeps the pin inside the central circle (80% of the width) that every launcher
shape leaves visible.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image, ImageDraw

PORTAL_GREEN = (0, 77, 72)  # the header colour, --portal-brand-dark in static/css/theme.css
WHITE = (255, 255, 255)
_OVERSAMPLE = 4

# file name -> (edge in pixels, maskable)
APP_ICONS = {
    "app-192.png": (192, False),
    "app-512.png": (512, False),
    "app-maskable-512.png": (512, True),
}


def draw_icon(edge: int, *, maskable: bool) -> Image.Image:
    size = edge * _OVERSAMPLE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, size, size), fill=PORTAL_GREEN)
        artwork = size * 0.76  # inside the safe zone, a circle of 80% of the width
    else:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size * 0.22, fill=PORTAL_GREEN)
        artwork = size * 0.92
    inset = (size - artwork) / 2
    _draw_pin(draw, left=inset, top=inset, extent=artwork)
    _draw_waves(draw, left=inset, top=inset, extent=artwork)
    return image.resize((edge, edge), Image.Resampling.LANCZOS)


def _draw_pin(draw: ImageDraw.ImageDraw, *, left: float, top: float, extent: float) -> None:
    centre_x = left + extent / 2
    head_y = top + extent * 0.36
    radius = extent * 0.2
    tip_y = top + extent * 0.7
    # The tail: tangents from the tip to the head's circle.
    distance = tip_y - head_y
    angle = math.asin(radius / distance)
    tangent = math.sqrt(distance**2 - radius**2)
    dx, dy = tangent * math.sin(angle), tangent * math.cos(angle)
    draw.polygon(
        [(centre_x, tip_y), (centre_x - dx, tip_y - dy), (centre_x + dx, tip_y - dy)], fill=WHITE
    )
    draw.ellipse(
        (centre_x - radius, head_y - radius, centre_x + radius, head_y + radius), fill=WHITE
    )
    hole = radius * 0.42
    draw.ellipse(
        (centre_x - hole, head_y - hole, centre_x + hole, head_y + hole), fill=PORTAL_GREEN
    )


def _draw_waves(draw: ImageDraw.ImageDraw, *, left: float, top: float, extent: float) -> None:
    width = max(1, round(extent * 0.045))
    for row, offset in enumerate((0.78, 0.88)):
        span = extent * (0.5 if row == 0 else 0.62)
        start = left + (extent - span) / 2
        points = [
            (
                start + span * step / 60,
                top + extent * offset + extent * 0.025 * math.sin(step / 60 * 4 * math.pi),
            )
            for step in range(61)
        ]
        draw.line(points, fill=WHITE, width=width, joint="curve")
        for x, y in (points[0], points[-1]):  # round ends
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=WHITE)


def write_app_icons(folder: Path) -> list[Path]:
    """Writes every icon into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (edge, maskable) in APP_ICONS.items():
        buffer = io.BytesIO()
        draw_icon(edge, maskable=maskable).save(buffer, format="PNG", optimize=True)
        path = folder / name
        path.write_bytes(buffer.getvalue())
        written.append(path)
    return written
