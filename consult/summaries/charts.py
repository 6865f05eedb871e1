"""The participation chart (participants by ITU region and age band), drawn from published counts only.

SVG for pages and the PDF, PNG (Pillow) for the DOCX; both come with a text alternative.
Withheld counts are never drawn as such: a region's bar shows its published age bands and, as one
grey segment, whatever its published total leaves (which anyone can work out anyway).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape

from .. import languages
from ..i18n import count as count_text
from ..models import AGE_BAND_LABELS
from .regions import REGIONS, region_label
from .stats import AGE_BAND_CODES, THRESHOLD

COLOURS = ("#1b6ca8", "#f29e4c", "#2a9d8f", "#8e5ea2", "#e76f51", "#6c757d")
WITHHELD_COLOUR = "#c8c8c8"
SUPPRESSED_COLOUR = "#e4e4e4"
# The PDF's fonts, named: left to fallback, an Arabic or Chinese label would be drawn in whatever font
# fontconfig prefers for the document's language (DejaVu, Noto Sans CJK JP) and embed one more font.
SVG_FONTS = "Noto Sans, Noto Naskh Arabic, Noto Sans CJK SC, sans-serif"  # unquoted: WeasyPrint's SVG reads no quotes
LEGEND_ROWS = -(-(len(AGE_BAND_CODES) + 1) // 3)  # the age bands and "withheld", three to a row


def age_band_name(code: str) -> str:
    return str(AGE_BAND_LABELS.get(code, _("Not known")))


@dataclass(frozen=True)
class Bar:
    region: str
    label: str
    total: int | str
    segments: list[tuple[str, int]]  # (age band, count) for the published counts
    withheld: int

    @property
    def suppressed(self) -> bool:
        """A total shown only as "<10" (or withheld): drawn as a pale bar up to the threshold, labelled so."""
        return not isinstance(self.total, int)


def chart_bars(statistics: dict) -> list[Bar]:
    bars = []
    for region in REGIONS:
        total = statistics["by_region"][region]
        if total == 0:
            continue
        row = statistics["by_region_and_age_band"][region]
        segments = [(band, row[band]) for band in AGE_BAND_CODES if isinstance(row[band], int) and row[band]]
        withheld = total - sum(count for _band, count in segments) if isinstance(total, int) else 0
        bars.append(Bar(region, region_label(region), total, segments, withheld))
    return bars


def text_alternative(statistics: dict) -> str:
    parts = []
    for bar in chart_bars(statistics):
        detail = ", ".join(f"{age_band_name(band)}: {count}" for band, count in bar.segments)
        if bar.withheld:
            detail = ", ".join(filter(None, [detail, _("withheld: %(n)d", n=bar.withheld)]))
        parts.append(f"{bar.label}: {count_text(bar.total)}" + (f" ({detail})" if detail else ""))
    if not parts:
        return _("Participants by ITU region and age band: no participants.")
    return _("Participants by ITU region and age band. %(parts)s.", parts="; ".join(parts))


def _scale(bars: list[Bar]) -> int:
    suppressed = [THRESHOLD] if any(bar.suppressed for bar in bars) else []
    return max([bar.total for bar in bars if isinstance(bar.total, int)] + suppressed + [1])


def _pieces(bar) -> list[tuple[str, int]]:
    """A bar's coloured pieces, left to right: one per age band, then what small-cell rules withheld; a
    suppressed total is one pale piece up to the threshold (its label says "<10")."""
    if bar.suppressed:
        return [(SUPPRESSED_COLOUR, THRESHOLD)]
    pieces = [(COLOURS[AGE_BAND_CODES.index(band)], count) for band, count in bar.segments]
    if bar.withheld:
        pieces.append((WITHHELD_COLOUR, bar.withheld))
    return pieces


def chart_svg(statistics: dict, width: int = 640) -> str:
    bars = chart_bars(statistics)
    label_width, row, top = 150, 28, 10
    legend_top = top + row * len(bars) + 10
    height = legend_top + 22 * LEGEND_ROWS + 10
    plot = width - label_width - 60
    biggest = _scale(bars)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(text_alternative(statistics))}" font-family="{SVG_FONTS}" font-size="12">'
    ]
    for n, bar in enumerate(bars):
        y = top + n * row
        out.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{escape(bar.label)}</text>')
        x = float(label_width)
        for colour, count in _pieces(bar):
            w = plot * count / biggest
            outline = ' stroke="#888" stroke-dasharray="3 2"' if colour == SUPPRESSED_COLOUR else ""
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{colour}"{outline}/>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + 15}">{escape(count_text(bar.total))}</text>')
    legend = [(COLOURS[i], age_band_name(band)) for i, band in enumerate(AGE_BAND_CODES)]
    legend.append((WITHHELD_COLOUR, _("withheld (small counts)")))
    for i, (colour, name) in enumerate(legend):
        x, y = 10 + (i % 3) * (width // 3), legend_top + (i // 3) * 22
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="{y + 11}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


# Fonts that hold the labels' script (Debian's fonts-noto-cjk and fonts-dejavu-core). DejaVu Sans has
# Arabic as well as Latin digits and punctuation, and Pillow's raqm layout shapes and orders it.
_SCRIPT_FONTS = {
    "Hans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "NotoSansCJK-Regular.ttc"),
}


def _font(size: int):
    from PIL import ImageFont  # Pillow draws the PNG chart, in the job worker's documents only

    language = str(get_locale() or "en").split("_")[0]
    row = languages.language(language)
    candidates = (*_SCRIPT_FONTS.get(row.script if row else "", ()), "DejaVuSans.ttf",
                  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "NotoSans-Regular.ttf")  # fmt: skip
    for name in candidates:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def chart_png(statistics: dict, width: int = 1280) -> bytes:
    """The same chart as a PNG, at twice the SVG's size so it prints sharply."""
    from PIL import Image, ImageDraw

    scale = width / 640
    bars = chart_bars(statistics)
    label_width, row, top = int(150 * scale), int(28 * scale), int(10 * scale)
    legend_top = top + row * len(bars) + int(10 * scale)
    height = legend_top + int(22 * scale) * LEGEND_ROWS + int(10 * scale)
    plot = width - label_width - int(60 * scale)
    biggest = _scale(bars)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = _font(int(12 * scale))
    bar_height = int(20 * scale)
    for n, bar in enumerate(bars):
        y = top + n * row
        draw.text((label_width - 6 * scale, y + bar_height / 2), bar.label, fill="black", font=font, anchor="rm")
        x = float(label_width)
        for colour, count in _pieces(bar):
            w = plot * count / biggest
            outline = "#888888" if colour == SUPPRESSED_COLOUR else None
            draw.rectangle([x, y, x + max(w - 1, 0), y + bar_height], fill=colour, outline=outline, width=2)
            x += w
        draw.text((x + 4 * scale, y + bar_height / 2), count_text(bar.total), fill="black", font=font, anchor="lm")
    legend = [(COLOURS[i], age_band_name(band)) for i, band in enumerate(AGE_BAND_CODES)]
    legend.append((WITHHELD_COLOUR, _("withheld (small counts)")))
    box = int(12 * scale)
    for i, (colour, name) in enumerate(legend):
        x, y = int(10 * scale) + (i % 3) * (width // 3), legend_top + (i // 3) * int(22 * scale)
        draw.rectangle([x, y, x + box, y + box], fill=colour)
        draw.text((x + box + 6 * scale, y + box / 2), name, fill="black", font=font, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
