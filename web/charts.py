"""Bar charts drawn on the server as SVG: the geometry here, the markup in
templates/_charts.html (autoescaped like every page, so a label is never markup).

No JavaScript and nothing fetched: a chart is part of the page, scales with it
(viewBox), names itself for screen readers (role="img", aria-labelledby its title) and
has a <title> on every bar; its numbers are always in a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

# In viewBox units; the SVG scales to its box, so these only fix proportions.
WIDTH = 600
_ROW = 34  # a horizontal bar with its label above it
_BAR = 14
_LABEL_GAP = 4
_VALUE_ROOM = 110  # right of the longest bar, for its printed value
_PLOT_HEIGHT = 200
_AXIS_ROOM = 22  # below vertical bars, for their labels
_TOP_ROOM = 18  # above the tallest bar, for its value


@dataclass(frozen=True)
class Item:
    label: str
    value: float  # what the bar's length stands for
    text: str  # the value as the reader reads it (148.748, %13,4, 2 gün)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    text: str
    label_x: float
    label_y: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class TargetLine:
    x1: float
    y1: float
    x2: float
    y2: float
    text: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Chart:
    ident: str  # unique on the page: ids of its title and description
    title: str  # its accessible name
    description: str  # one sentence saying what it shows, and that a table has the figures
    width: int
    height: int
    vertical: bool
    bars: tuple[Bar, ...]
    target: TargetLine | None


def _scale(items: list[Item], target: float | None) -> float:
    top = max([item.value for item in items] + [target or 0.0])
    return top if top > 0 else 1.0


def horizontal(
    ident: str,
    title: str,
    description: str,
    items: list[Item],
    target: float | None = None,
    target_text: str = "",
) -> Chart:
    """One bar per item, label above it and value after it; a dashed target line."""
    room = WIDTH - _VALUE_ROOM
    top = _scale(items, target)
    bars = []
    for index, item in enumerate(items):
        y = index * _ROW + _ROW - _BAR - 2
        width = room * max(item.value, 0) / top
        bars.append(
            Bar(
                x=0,
                y=y,
                width=width,
                height=_BAR,
                label=item.label,
                text=item.text,
                label_x=0,
                label_y=y - _LABEL_GAP,
                text_x=width + 6,
                text_y=y + _BAR - 2,
            )
        )
    height = max(len(items), 1) * _ROW + (_TOP_ROOM if target is not None else 4)
    line = None
    if target is not None:
        x = room * target / top
        line = TargetLine(x, 0, x, height - _TOP_ROOM + 4, target_text, x, height - 2)
    return Chart(ident, title, description, WIDTH, height, False, tuple(bars), line)


def vertical(
    ident: str,
    title: str,
    description: str,
    items: list[Item],
    target: float | None = None,
    target_text: str = "",
) -> Chart:
    """Columns side by side (months), labels below; a dashed target line across."""
    top = _scale(items, target)
    slot = WIDTH / max(len(items), 1)
    width = slot * 0.7
    bars = []
    for index, item in enumerate(items):
        height = _PLOT_HEIGHT * max(item.value, 0) / top
        x = index * slot + (slot - width) / 2
        y = _TOP_ROOM + _PLOT_HEIGHT - height
        bars.append(
            Bar(
                x=x,
                y=y,
                width=width,
                height=height,
                label=item.label,
                text=item.text,
                label_x=x + width / 2,
                label_y=_TOP_ROOM + _PLOT_HEIGHT + 16,
                text_x=x + width / 2,
                text_y=y - 4,
            )
        )
    line = None
    if target is not None:
        y = _TOP_ROOM + _PLOT_HEIGHT - _PLOT_HEIGHT * target / top
        line = TargetLine(0, y, WIDTH, y, target_text, WIDTH - 4, y - 4)
    height = _TOP_ROOM + _PLOT_HEIGHT + _AXIS_ROOM
    return Chart(ident, title, description, WIDTH, height, True, tuple(bars), line)
