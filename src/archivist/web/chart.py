"""The home page's chart of documents per year, drawn on the server as SVG (no script, no CDN).

Only numbers and our own links go into the SVG; colours come from `currentColor` and the
stylesheet, so the chart follows dark mode and prints.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 12, 28


def year_chart(per_year: list[tuple[int, int]], link_prefix: str = "/browse/year?value=") -> str:
    """An SVG bar chart (one bar per year, a gap where a year has none), or '' for no data.
    Each bar links to that year's documents and names its count in a tooltip."""
    if not per_year:
        return ""
    first, last = per_year[0][0], per_year[-1][0]
    span = last - first + 1
    peak = max(n for _, n in per_year)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / span
    bar_w = max(step * 0.8, 1.0)
    total = sum(n for _, n in per_year)
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" '
        f'aria-labelledby="chart-title">',
        f'<title id="chart-title">Documents per year, {first}–{last}: {total} dated documents</title>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="currentColor" stroke-width="1"/>',
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end" font-size="11" fill="currentColor">{peak}</text>',
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" font-size="11" fill="currentColor">0</text>',
    ]
    for year, count in per_year:
        h = max(plot_h * count / peak, 1.0)
        x = LEFT + (year - first) * step + (step - bar_w) / 2
        y = TOP + plot_h - h
        label = f"{year}: {count} document{'s' if count != 1 else ''}"
        out.append(
            f'<a href="{escape(link_prefix + quote(str(year)))}"><rect class="bar" x="{x:.1f}" y="{y:.1f}" '
            f'width="{bar_w:.1f}" height="{h:.1f}"><title>{escape(label)}</title></rect></a>'
        )
    tick_every = next(t for t in (1, 5, 10, 20, 25, 50, 100, 200, 500) if span / t <= 12)
    for year in range(
        (first // tick_every + 1) * tick_every if first % tick_every else first, last + 1, tick_every
    ):
        x = LEFT + (year - first) * step + step / 2
        out.append(
            f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11" fill="currentColor">{year}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
