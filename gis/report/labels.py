"""Where labels go on the printed map: only where they fit, never over one another.

Everything here is in the map's projected metres (UTM); sizes on paper come in points and are
turned into metres with the page's scale (`metres_per_pt`).
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import shapely
from shapely import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

# Clear space around a label's text, in points, so neighbouring labels never touch.
LABEL_PAD_PT = 1.0


@dataclass(frozen=True)
class LabelRequest:
    """A label wanted inside `area`, near `anchor`; `texts` are its forms, most wanted first
    (e.g. one line, then two narrower lines), then `overhanging` ones, which may stick out.
    A grid with overdue cases also has a circle `circle_pt` across, drawn on the anchor
    unless the label needs the anchor and the circle fits beside it; `circle_box` is that
    circle on the anchor (metres), one of the obstacles."""

    texts: tuple[str, ...]
    area: BaseGeometry
    anchor: Point
    circle_pt: float = 0.0
    circle_box: Polygon | None = None
    overhanging: tuple[str, ...] = ()  # forms that need only touch the area, e.g. rank marks


@dataclass(frozen=True)
class PlacedLabel:
    """A label that fits: its text, centre and clear box, and its grid's circle centre (metres)."""

    text: str
    x: float
    y: float
    box: Polygon
    circle_x: float
    circle_y: float


def anchor_point(area: BaseGeometry, tolerance_m: float) -> Point:
    """The point of a polygon farthest from its edges (its largest part's), where a label or
    symbol has most room; same CRS as the polygon, tolerance in its units."""
    parts = list(getattr(area, "geoms", [area]))
    largest = max(parts, key=lambda part: part.area)
    return polylabel(largest, tolerance=max(tolerance_m, 1e-9))


def place_labels(
    requests: Sequence[LabelRequest],
    *,
    metres_per_pt: float,
    text_size_pt: Callable[[str], tuple[float, float]],
    obstacles: Sequence[Polygon] = (),
) -> list[PlacedLabel | None]:
    """Place labels in the order given (first = most important): each goes where its padded
    text box (and its circle, if moved off the anchor) lies wholly inside its area and clear
    of every obstacle and label already placed; None where there is no such place. Returns
    one entry per request, in request order."""
    taken = list(obstacles)
    tree_size, tree = -1, None
    pad_m = LABEL_PAD_PT * metres_per_pt
    placed: list[PlacedLabel | None] = []
    for request in requests:
        shapely.prepare(request.area)
        found = None
        for text, label, circle in _candidate_layouts(request, text_size_pt, metres_per_pt):
            moved = circle is not None
            if text in request.overhanging:  # the text itself, not its padding, must touch
                fits = request.area.intersects(label.buffer(-pad_m, join_style="mitre"))
            else:
                fits = request.area.contains(label)
            if not fits or (moved and not request.area.contains(circle)):
                continue
            if len(taken) != tree_size:  # rebuilt only after a label is placed
                tree, tree_size = shapely.STRtree(taken), len(taken)
            if _hits(tree, taken, label, request.circle_box) or (
                moved and _hits(tree, taken, circle, request.circle_box)
            ):
                continue
            centre = request.anchor if request.circle_box is None else request.circle_box.centroid
            centre = circle.centroid if moved else centre
            found = PlacedLabel(text, *label.centroid.coords[0], label, centre.x, centre.y)
            taken.extend([label, circle] if moved else [label])
            break
        placed.append(found)
    return placed


def _hits(tree: shapely.STRtree, taken: list[Polygon], box: Polygon, own: Polygon | None) -> bool:
    # A grid's own circle on the anchor is no obstacle once the circle has moved aside.
    return any(taken[k] is not own for k in tree.query(box, predicate="intersects"))


_AROUND = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))


def _candidate_layouts(
    request: LabelRequest,
    text_size_pt: Callable[[str], tuple[float, float]],
    metres_per_pt: float,
) -> Iterator[tuple[str, Polygon, Polygon | None]]:
    """(text, label box, circle box if moved off the anchor) for each layout to try."""
    x, y = request.anchor.x, request.anchor.y
    radius = (request.circle_pt / 2 + 0.5) * metres_per_pt
    for text in request.texts + request.overhanging:
        width_pt, height_pt = text_size_pt(text)
        half_w = (width_pt / 2 + LABEL_PAD_PT) * metres_per_pt
        half_h = (height_pt / 2 + LABEL_PAD_PT) * metres_per_pt
        if request.circle_pt <= 0:
            yield text, shapely.box(x - half_w, y - half_h, x + half_w, y + half_h), None
            continue
        # Circle on the anchor, label below, above, beside or at a corner of it; then the
        # label on the anchor and the circle above, below, left or right of it.
        for dx, dy in _AROUND:
            # Diagonally a corner 0.75 r out each way is 1.06 r from the centre: off the circle.
            reach = radius * (0.75 if dx and dy else 1)
            cx, cy = x + dx * (reach + half_w), y + dy * (reach + half_h)
            yield text, shapely.box(cx - half_w, cy - half_h, cx + half_w, cy + half_h), None
        label = shapely.box(x - half_w, y - half_h, x + half_w, y + half_h)
        for dx, dy in ((0, 1), (0, -1), (-1, 0), (1, 0)):
            cx, cy = x + dx * (radius + half_w), y + dy * (radius + half_h)
            circle = shapely.box(cx - radius, cy - radius, cx + radius, cy + radius)
            yield text, label, circle


# Offsets from the anchor tried for a name, in name widths and heights, nearest first.
_NAME_STEPS = sorted(
    ((dx, dy) for dx in (0, -0.5, 0.5, -1, 1) for dy in (0, -1.2, 1.2, -2.4, 2.4, -3.6, 3.6)),
    key=lambda step: abs(step[0]) + abs(step[1]) / 2.4,
)


def place_name(
    area: BaseGeometry,
    anchor: Point,
    text: str,
    text_size_pt: Callable[[str, float], tuple[float, float]],
    sizes_pt: Sequence[float],
    metres_per_pt: float,
    obstacles: Sequence[Polygon] = (),
    dodge_down_to_pt: float = 10,
) -> tuple[float, float, float]:
    """Where and how large to print an area's name: (x, y, font size in points).

    The largest of `sizes_pt` (not below `dodge_down_to_pt`) that fits inside `area` on or
    near `anchor` clear of `obstacles`; failing that, the largest that fits inside at all
    (a name shrinks for its area, not to dodge symbols); failing that, the smallest on the
    anchor, since a street's name is printed regardless.
    """
    shapely.prepare(area)
    clear = shapely.STRtree(list(obstacles))
    dodging = [size for size in sizes_pt if size >= dodge_down_to_pt]
    for must_be_clear, sizes in ((True, dodging), (False, sizes_pt)):
        for size in sizes:
            width_pt, height_pt = text_size_pt(text, size)
            half_w, half_h = width_pt / 2 * metres_per_pt, height_pt / 2 * metres_per_pt
            for dx, dy in _NAME_STEPS:
                x, y = anchor.x + dx * 2 * half_w, anchor.y + dy * 2 * half_h
                box = shapely.box(x - half_w, y - half_h, x + half_w, y + half_h)
                if not area.contains(box):
                    continue
                if must_be_clear and len(clear.query(box, predicate="intersects")):
                    continue
                return x, y, size
    return anchor.x, anchor.y, sizes_pt[-1]
