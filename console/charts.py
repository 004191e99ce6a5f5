"""The geometry of a stacked bar chart, for a template to draw as SVG.

Coordinates are in the SVG's own units (its viewBox); the page scales it.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

WIDTH = 720
HEIGHT = 240
LEFT = 48  # room for the counts on the y axis
RIGHT = 8
TOP = 12
BOTTOM = 28  # room for the days on the x axis
BAR_SHARE = 0.72  # of each day's slot; the rest is the gap between bars
LABEL_EVERY = 5  # days between labels on the x axis, counted back from the last day


@dataclass
class Segment:
    key: str
    label: str
    count: int
    y: float
    height: float
    href: str


@dataclass
class Bar:
    day: date
    x: float
    width: float
    total: int
    segments: list[Segment] = field(default_factory=list)
    labelled: bool = False

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass
class Tick:
    value: int
    y: float


@dataclass
class Chart:
    bars: list[Bar]
    ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    @property
    def plot_height(self) -> int:
        return self.bottom - self.top

    @property
    def empty(self) -> bool:
        return not any(bar.total for bar in self.bars)


def stacked_bars(
    days: list[date],
    values: list[dict[str, int]],
    series: list[tuple[str, str]],
    href: Callable[[date, str], str],
) -> Chart:
    """One bar per day, its series stacked in the order given (the first at the bottom).

    `values` holds each day's count per series key, `series` the (key, label) pairs, and
    `href(day, key)` the address a segment links to.
    """
    plot_height = HEIGHT - BOTTOM - TOP
    top_value, step = _scale(max((sum(day.values()) for day in values), default=0))
    slot = (WIDTH - RIGHT - LEFT) / max(len(days), 1)
    bars = []
    for index, (day, counts) in enumerate(zip(days, values, strict=True)):
        bar = Bar(
            day=day,
            x=round(LEFT + index * slot + slot * (1 - BAR_SHARE) / 2, 2),
            width=round(slot * BAR_SHARE, 2),
            total=sum(counts.values()),
            labelled=(len(days) - 1 - index) % LABEL_EVERY == 0,
        )
        base = float(HEIGHT - BOTTOM)
        for key, label in series:
            count = counts.get(key, 0)
            if not count:
                continue
            height = count / top_value * plot_height
            base -= height
            bar.segments.append(
                Segment(key, label, count, round(base, 2), round(height, 2), href(day, key))
            )
        bars.append(bar)
    ticks = [
        Tick(value, round(HEIGHT - BOTTOM - value / top_value * plot_height, 2))
        for value in range(0, top_value + 1, step)
    ]
    return Chart(bars=bars, ticks=ticks)


def _scale(largest: int) -> tuple[int, int]:
    """The top of the y axis and the step between its ticks: a round step (1, 2 or 5 times a
    power of ten) giving at most five ticks above zero, and a top that is a whole number of
    steps at or above the largest value."""
    if largest <= 0:
        return 1, 1
    magnitude = 10 ** max(0, math.floor(math.log10(largest / 5)) if largest >= 5 else 0)
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if math.ceil(largest / step) <= 5:
            return step * math.ceil(largest / step), step
    raise AssertionError("a step of ten times the magnitude always fits")
