"""`{% pay_chart wages label [wages label …] %}`: a small SVG chart of an occupation's yearly
wage percentiles, one bar per place (the 10th to 90th percentile as a line, the 25th to 75th
as a box, the median as a mark). No JavaScript; drawn in `currentColor` and the stylesheet's
colours, so it follows the page's colour scheme. The chart only illustrates the figures a
table beside it gives as text: it is hidden from assistive technology."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from roles.wages import OccupationWages

register = template.Library()

WIDTH = 360
LEFT, RIGHT = 6, 30
ROW_HEIGHT = 46
TOP_PADDING = 4
BOX_HEIGHT = 14
AXIS_HEIGHT = 26
# The gaps between the axis's labelled ticks: the first that needs at most MAX_TICKS gaps.
STEPS = (10_000, 25_000, 50_000, 100_000, 200_000, 250_000, 500_000)
MAX_TICKS = 5


@dataclass(frozen=True)
class Bar:
    """One place's bar, its coordinates as the SVG writes them."""

    label: str
    label_y: str
    y: str
    line: tuple[str, str] | None
    box: tuple[str, str, str] | None
    median: tuple[str, str, str] | None


@dataclass(frozen=True)
class Tick:
    x: str
    label: str
    anchor: str


def nice_top(highest: int) -> tuple[int, int]:
    """The axis's top (a whole number of steps at or above `highest`) and its step."""
    for step in STEPS:
        if -(-highest // step) <= MAX_TICKS:
            break
    return max(step, -(-highest // step) * step), step


def money(amount: int) -> str:
    """ "$0", "$50k", "$1.5m": a tick's label."""
    if amount >= 1_000_000:
        return f"${amount / 1_000_000:g}m"
    return f"${amount // 1000}k" if amount else "$0"


def number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def chart(series: list[tuple[OccupationWages, str]]) -> dict[str, Any]:
    """The geometry of the chart of `series` (wages and the place they are of), as the
    template draws it; no bars when no place has a percentile."""
    rows = [(label, [figure.amount for figure in wages.percentiles()]) for wages, label in series]
    rows = [(label, amounts) for label, amounts in rows if any(a is not None for a in amounts)]
    if not rows:
        return {"bars": []}
    top, step = nice_top(max(a for _, amounts in rows for a in amounts if a is not None))
    span = WIDTH - LEFT - RIGHT

    def x(amount: int) -> float:
        return LEFT + span * amount / top

    bars = []
    for row, (label, (p10, p25, median, p75, p90)) in enumerate(rows):
        y = TOP_PADDING + row * ROW_HEIGHT + 24
        ends = [amount for amount in (p10, p25, median, p75, p90) if amount is not None]
        low, high = min(ends), max(ends)
        box = None
        if p25 is not None and p75 is not None:
            box = (number(x(p25)), number(y - BOX_HEIGHT / 2), number(x(p75) - x(p25)))
        tick = None
        if median is not None:
            tick = (
                number(x(median)),
                number(y - BOX_HEIGHT / 2 - 3),
                number(y + BOX_HEIGHT / 2 + 3),
            )
        bars.append(
            Bar(
                label=label,
                label_y=number(y - 12),
                y=number(y),
                line=(number(x(low)), number(x(high))) if low != high else None,
                box=box,
                median=tick,
            )
        )
    axis_y = TOP_PADDING + len(rows) * ROW_HEIGHT
    return {
        "bars": bars,
        "ticks": [
            Tick(number(x(amount)), money(amount), "start" if amount == 0 else "middle")
            for amount in range(0, top + 1, step)
        ],
        "axis_y": number(axis_y),
        "label_y": number(axis_y + 18),
        "width": WIDTH,
        "height": axis_y + AXIS_HEIGHT,
        "left": LEFT,
        "box_height": BOX_HEIGHT,
    }


@register.inclusion_tag("roles/includes/_pay_chart.html")
def pay_chart(*pairs: Any) -> dict[str, Any]:
    """Wages and labels, alternating: `{% pay_chart area_wages area.name wages "US" %}`."""
    series = [
        (wages, str(label))
        for wages, label in zip(pairs[::2], pairs[1::2], strict=True)
        if wages is not None
    ]
    return chart(series)
