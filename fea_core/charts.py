"""Altair charts for the shared screen and the exports: the competence radar and the 2x2 matrices.

Pure functions from aggregated frames to Vega-Lite specs (built with Altair); no Streamlit here.
Participant text is only ever a data value (tooltip field), never part of a mark definition or an
expression.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd
import vl_convert

from fea_core.disclosure import shown_figure
from fea_core.method import Factor, Matrix, clockwise

# Blue and red first, as in the seed's figure 1; then further distinct, colour-blind-safe hues.
GROUP_COLORS = ("#1f5fbf", "#d62839", "#2a9d55", "#8a4fbf", "#e07b00", "#0f8b8d", "#6b6b6b")
# Before and now: one colour always means "before", another "now", whichever of the two is drawn;
# "now" has the room's colour on the main radar (both contrast 3:1 or more with white).
BEFORE_COLOR, NOW_COLOR = "#6b6b6b", GROUP_COLORS[0]
FONT = "Liberation Sans"
INK, MUTED, GRID = "#1f2937", "#6b7280", "#d6dbe1"
ITEM_COLOR, CHOSEN_COLOR = "#1e3a8a", "#e07b00"
QUADRANT_STYLE = {  # fill, label colour
    "top_right": ("#d9f2e1", "#1b6b3a"),
    "top_left": ("#fdf6d3", "#7a5c00"),
    "bottom_right": ("#fdf6d3", "#7a5c00"),
    "bottom_left": ("#eceef1", "#4b5563"),
}
# Tooltip titles are the product's own words in Danish; pass `titles` to show another language.
TIP = {"factor": "Faktor", "group": "Gruppe", "mean": "Gennemsnit", "std": "Spredning",
       "n": "Svar", "dont_know": "Ved ikke", "number": "Nr.", "text": "Tekst"}


def _fmt(value) -> str:
    """Format a statistic to one decimal; a missing value (no answers, n < 2) shows as a dash."""
    return "–" if value is None or pd.isna(value) else f"{value:.1f}"


def wrap_words(label: str, width: int) -> list[str]:
    """Break a label at spaces into lines of at most ``width`` characters (a longer word stays whole)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _wrap(label: str, width: int = 13) -> str:
    """Break a long label at spaces so it fits beside the circle; short labels stay one line."""
    return "\n".join(wrap_words(label, width))


def _axes(domain) -> dict:
    """Encode x/y on fixed scales with no axes or grid, shared by every layer."""
    return {
        "x": alt.X("x:Q", scale=alt.Scale(domain=list(domain[0]), nice=False, zero=False), axis=None),
        "y": alt.Y("y:Q", scale=alt.Scale(domain=list(domain[1]), nice=False, zero=False), axis=None),
    }


def _finish(chart: alt.LayerChart, width: int, height: int, font_size: int) -> alt.LayerChart:
    return (
        chart.properties(width=width, height=height)
        .configure(font=FONT)  # first: configure() replaces the whole config object
        .configure_view(strokeWidth=0)
        .configure_legend(labelFontSize=font_size, symbolSize=font_size * 14, title=None, labelColor=INK)
    )


def _layout_key(titles: Mapping[str, str] | None) -> tuple:
    return tuple({**TIP, **(titles or {})}.items())


def _filled(layout: dict, data: Mapping[str, list[dict]]) -> dict:
    """Return a cached layout with this call's rows as its named datasets; the layout is not changed.

    A layer with no rows is not in the layout, so its empty dataset is left out too.
    """
    rows = {_data_name(k): v for k, v in data.items() if v}
    return {**layout, "datasets": {**layout.get("datasets", {}), **rows}}


def _data_name(layer: str) -> str:
    return f"fea_{layer}"


def _named(layer: str) -> alt.NamedData:
    """A data layer's rows by name: the layout is cached without them, each call fills them in."""
    return alt.NamedData(name=_data_name(layer))


def _polar(r: float, a: float) -> tuple[float, float]:
    return r * math.sin(a), r * math.cos(a)  # top, clockwise


def gap_between_spokes(angles: Sequence[float]) -> float:
    """Return the angle (radians) halfway across the widest gap between spokes, nearest 12 o'clock.

    Text written on the circle there (ring numbers, "low"/"high") is never covered by a spoke or a point.
    """
    if not angles:
        return 0.0
    turn = 2 * math.pi
    ordered = sorted(a % turn for a in angles)
    gaps = [((b - a) % turn or turn, a) for a, b in zip(ordered, ordered[1:] + ordered[:1])]
    widest = max(g for g, _ in gaps)
    middles = [(a + g / 2) % turn for g, a in gaps if math.isclose(g, widest)]
    return min(middles, key=lambda m: min(m, turn - m))


def radar_spec(profile: pd.DataFrame, factors: Sequence[Factor], *, scale_max: int = 5,
               group_colors: Sequence[str] | None = None, size: int = 520, font_size: int = 16,
               titles: Mapping[str, str] | None = None, legend: bool | None = None) -> dict:
    """Draw the competence profile as figure 1 (low at the centre, high at the rim, one polygon per
    group) and return its Vega-Lite spec.

    :param legend: True draws the legend even for one group (a before/after view left with one
        time must still say which); by default only two or more groups have one.

    Altair builds the layout (circle, labels, legend, tooltips) once per shape, which costs about
    150 ms; a call computes only the points, as the shared screen does whenever a rating arrives.
    """
    k = len(factors)
    angle = {f.key: f.radians for f in factors}
    data = profile[profile["factor"].isin(angle)] if len(profile) else profile
    groups = list(dict.fromkeys(data["group"])) if len(data) else []
    order = {f.key: i for i, f in enumerate(clockwise(factors))}  # the polygon goes round the circle
    rows, polygon, rules = [], [], []
    for gi, (group, g) in enumerate(data.groupby("group", sort=False) if groups else ()):
        g = g.assign(pos_=g["factor"].map(order)).sort_values("pos_")
        shift = (gi - (len(groups) - 1) / 2) * 0.09 * scale_max / 5  # side by side spread rules
        group_rows = []
        for r in g.itertuples():
            if pd.isna(r.mean):
                continue
            # Positions from the rounded figures: the browser gets no more than the label shows.
            mean, std = shown_figure(r.mean), shown_figure(r.std)
            a = angle[r.factor]
            x, y = _polar(mean, a)
            group_rows.append({"group": group, "factor": r.factor, "label": r.label, "order": int(r.pos_),
                               "x": x, "y": y, "mean": _fmt(mean), "std": _fmt(std),
                               "n": int(r.n), "dont_know": int(r.dont_know)})
            if not pd.isna(std):
                lo, hi = (min(max(v, 0.0), scale_max) for v in (mean - std, mean + std))
                ox, oy = shift * math.cos(a), -shift * math.sin(a)
                (x1, y1), (x2, y2) = _polar(lo, a), _polar(hi, a)
                rules.append({"group": group, "x": x1 + ox, "y": y1 + oy, "x2": x2 + ox, "y2": y2 + oy})
        rows += group_rows
        if group_rows:  # close the shape by repeating the first point
            polygon += group_rows + [{**group_rows[0], "order": k}]
    layout = _radar_layout(tuple((f.key, f.label, f.angle) for f in factors), tuple(groups), bool(polygon), bool(rules),
                           bool(rows), scale_max, tuple(group_colors or GROUP_COLORS), size, font_size,
                           _layout_key(titles), len(groups) > 1 if legend is None else legend)
    return _filled(layout, {"profiles": polygon, "spread": rules, "points": rows})


def before_now_colors(group_keys: Sequence[str]) -> list[str]:
    """Return the colours of a before/now profile's groups in order: BEFORE_COLOR for "before", NOW_COLOR for "now"."""
    return [BEFORE_COLOR if key == "before" else NOW_COLOR for key in dict.fromkeys(group_keys)]


@functools.lru_cache(maxsize=32)
def _radar_layout(placed: tuple[tuple[str, str, float], ...], groups: tuple[str, ...], polygon: bool, rules: bool,
                  points: bool, scale_max: int, group_colors: tuple[str, ...], size: int, font_size: int,
                  tip_items: tuple, with_legend: bool = False) -> dict:
    tip = dict(tip_items)
    factors = [(key, label) for key, label, _ in placed]
    angle = {key: math.radians(degrees) for key, _, degrees in placed}

    # Labels sit just outside the rim; scale the circle down until the widest one fits the canvas.
    half, r_label = size / 2 - 6, scale_max * 1.08
    labels = []
    for key, label in factors:
        x, y = _polar(r_label, angle[key])
        side = "center" if abs(x) < 1e-6 * scale_max else ("left" if x > 0 else "right")
        text = label if side == "center" else _wrap(label)
        labels.append({"factor": key, "label": label, "text": text, "x": x, "y": y, "align": side,
                       "baseline": "middle" if side != "center" else ("bottom" if y > 0 else "top")})
    px_per_unit = half / r_label
    for lab in labels:
        lines = lab["text"].split("\n")
        lab["w"], lab["h"] = 0.58 * font_size * max(map(len, lines)), 1.2 * font_size * len(lines)
        if lab["align"] == "center":
            px_per_unit = min(px_per_unit, (half - lab["h"]) / abs(lab["y"]))
        else:
            px_per_unit = min(px_per_unit, (half - lab["w"]) / abs(lab["x"]))
            if abs(lab["y"]) > 1e-9:
                px_per_unit = min(px_per_unit, (half - lab["h"] / 2) / abs(lab["y"]))
    # Pixels from the centre down to the lowest label: the legend goes right under it.
    below = max([scale_max * px_per_unit] + [-lab["y"] * px_per_unit + lab["h"] * (
        1 if lab["baseline"] == "top" else 0.5 if lab["baseline"] == "middle" else 0) for lab in labels])
    d = size / 2 / px_per_unit
    enc = _axes(((-d, d), (-d, d)))

    ring_rows = [{"ring": ring, "i": j, **dict(zip("xy", _polar(ring, 2 * math.pi * j / 96)))}
                 for ring in range(1, scale_max + 1) for j in range(97)]
    inner = [r for r in ring_rows if r["ring"] < scale_max]
    rings = alt.Chart(pd.DataFrame(inner), name="rings").mark_line(
        color=GRID, strokeWidth=1.2).encode(detail="ring:N", order="i:Q", **enc)
    rim = alt.Chart(pd.DataFrame([r for r in ring_rows if r["ring"] == scale_max]), name="rim").mark_line(
        color="#9aa3ad", strokeWidth=2, fill="#f7f9fb").encode(order="i:Q", **enc)
    spokes = alt.Chart(pd.DataFrame(
        [{"x": 0.0, "y": 0.0, **dict(zip(("x2", "y2"), _polar(scale_max, angle[key])))} for key, _ in factors]
    ), name="spokes").mark_rule(color=GRID, strokeWidth=1.2).encode(x2="x2:Q", y2="y2:Q", **enc)
    # Ring numbers go between two spokes, where no data point can cover them.
    between = gap_between_spokes(list(angle.values()))
    numbers = alt.Chart(pd.DataFrame(
        [{"value": str(r), **dict(zip("xy", _polar(r, between)))} for r in range(1, scale_max + 1)]
    ), name="ring_numbers").mark_text(fontSize=max(10, round(font_size * 0.7)), color=MUTED).encode(
        text="value:N", **enc)
    label_layers = [
        alt.Chart(pd.DataFrame([lab for lab in labels if (lab["align"], lab["baseline"]) == key]),
                  name=f"labels_{key[0]}_{key[1]}")
        .mark_text(fontSize=font_size, fontWeight="bold", color=INK, align=key[0], baseline=key[1],
                   lineBreak="\n", lineHeight=font_size * 1.2)
        .encode(text="text:N", **enc)
        for key in dict.fromkeys((lab["align"], lab["baseline"]) for lab in labels)
    ]
    layers = [rim, rings, spokes, *label_layers]

    if groups:
        colors = [group_colors[i % len(group_colors)] for i in range(len(groups))]
        # Centre the legend under the circle; its width is estimated the same way as the labels'.
        legend_w = sum(0.55 * font_size * len(str(g)) + 2.4 * font_size for g in groups)
        legend = alt.Legend(orient="none", direction="horizontal", legendX=max(0.0, (size - legend_w) / 2),
                            legendY=size / 2 + below + font_size) if with_legend else None
        color = alt.Color("group:N", scale=alt.Scale(domain=list(groups), range=colors), legend=legend)
        fill = alt.Fill("group:N", scale=alt.Scale(domain=list(groups), range=colors), legend=None)
        tooltip = [alt.Tooltip("label:N", title=tip["factor"])]
        if len(groups) > 1:
            tooltip.append(alt.Tooltip("group:N", title=tip["group"]))
        tooltip += [alt.Tooltip(f"{c}:{t}", title=tip[c]) for c, t in
                    (("mean", "N"), ("std", "N"), ("n", "Q"), ("dont_know", "Q"))]
        if polygon:
            layers.append(alt.Chart(_named("profiles"), name="profiles").mark_line(
                strokeWidth=3, fillOpacity=0.12, strokeJoin="round").encode(
                color=color, fill=fill, detail="group:N", order="order:Q", **enc))
        if rules:
            layers.append(alt.Chart(_named("spread"), name="spread").mark_rule(
                strokeWidth=5, strokeCap="round", opacity=0.45).encode(
                x2="x2:Q", y2="y2:Q", color=color, **enc))
        if points:
            layers.append(alt.Chart(_named("points"), name="points").mark_circle(
                size=font_size * 9, opacity=1, stroke="white", strokeWidth=1.5).encode(
                color=color, tooltip=tooltip, **enc))
    layers.append(numbers)  # on top, so a profile never hides the ring values
    return _finish(alt.layer(*layers), size, size, font_size).to_dict()


def quadrant_spec(positions: pd.DataFrame, matrix: Matrix, *, individual: pd.DataFrame | None = None,
                  chosen_id: int | None = None, low: int = 1, high: int = 5, width: int = 640,
                  height: int = 520, font_size: int = 15, titles: Mapping[str, str] | None = None) -> dict:
    """Draw a Problemløser matrix with each item at its mean placement and its spread as error bars,
    and return its Vega-Lite spec.

    As with the radar, the layout (quadrants, axis words, tooltips) is built once per shape
    (about 200 ms) and a call computes only the items, the bars and the dots.
    """
    pad = 0.5
    lo, hi = low - pad, high + pad
    # A reversed axis (Ressourceforbrug) is drawn by mirroring x, so "top right" is always on screen.
    sx = (lambda v: low + high - v) if matrix.x.reversed else (lambda v: v)
    ux, uy = (hi - lo) / width, (hi - lo) / height  # data units per pixel, for the bars' end caps
    chosen = lambda item_id: chosen_id is not None and int(item_id) == int(chosen_id)  # noqa: E731

    dots = []
    if individual is not None and len(individual):
        seen: dict = {}
        for r in individual.itertuples():
            # Golden-angle spiral per identical placement: deterministic, and no dot hides another.
            key = (r.item_id, r.x, r.y)
            j = seen[key] = seen.get(key, -1) + 1
            rad, a = 0.06 * math.sqrt(j), j * 2.39996
            dots.append({"x": sx(float(r.x)) + rad * math.cos(a), "y": float(r.y) + rad * math.sin(a),
                         "chosen": chosen(r.item_id)})

    rows, bars, leaders = [], [], []
    clip = lambda v: min(max(v, low), high)  # noqa: E731
    # Positions and bars from the rounded figures: the browser gets no more than the tooltip shows.
    items = [r._replace(**{c: shown_figure(getattr(r, c)) for c in ("x_mean", "y_mean", "x_std", "y_std")})
             for r in positions.itertuples()] if len(positions) else []
    true_xy = [(sx(float(r.x_mean)), float(r.y_mean)) for r in items]
    marker_px = math.sqrt(font_size * 48 / math.pi) * 2 + 3  # a marker's diameter plus a gap, in pixels
    shown_xy = (spread_apart(true_xy, marker_px * ux, marker_px * uy, (lo, hi))
                if len(items) <= MAX_SPREAD_APART else true_xy)
    crowded = len(items) > CROWDED_MATRIX
    for r, (x, y), (mx, my) in zip(items, true_xy, shown_xy):
        c, cx, cy = chosen(r.item_id), 7 * ux, 7 * uy  # caps: 14 px end ticks
        rows.append({"item_id": int(r.item_id), "number": str(r.number), "text": r.text, "x": mx, "y": my,
                     "x_mean": _fmt(r.x_mean), "y_mean": _fmt(r.y_mean), "x_std": _fmt(r.x_std),
                     "y_std": _fmt(r.y_std), "n": int(r.n), "chosen": c})
        if math.hypot((mx - x) / ux, (my - y) / uy) > marker_px / 2:  # moved off its place: a line back to it
            leaders.append({"x": x, "y": y, "x2": mx, "y2": my})
        if crowded and not c:
            continue  # many items: their spreads would hide each other; the table and tooltip give them
        if not pd.isna(r.x_std):
            x1, x2 = clip(x - r.x_std), clip(x + r.x_std)
            bars += [{"x": x1, "x2": x2, "y": y, "y2": y, "chosen": c},
                     *({"x": e, "x2": e, "y": y - cy, "y2": y + cy, "chosen": c} for e in (x1, x2))]
        if not pd.isna(r.y_std):
            y1, y2 = clip(y - r.y_std), clip(y + r.y_std)
            bars += [{"x": x, "x2": x, "y": y1, "y2": y2, "chosen": c},
                     *({"x": x - cx, "x2": x + cx, "y": e, "y2": e, "chosen": c} for e in (y1, y2))]
    layout = _quadrant_layout((matrix.key, matrix.title, matrix.x, matrix.y, tuple(matrix.quadrants.items())),
                              bool(dots), bool(bars), bool(rows), bool(leaders), low, high, width, height,
                              font_size, _layout_key(titles))
    return _filled(layout, {"individual": dots, "spread": bars, "items": rows, "leaders": leaders,
                            "anchors": [{"x": d["x"], "y": d["y"]} for d in leaders]})


# More items than this in one matrix, and only the chosen item's spread is drawn: 30 sets of
# error bars formed a thicket that hid the numbers (the table beside the matrix has every spread).
CROWDED_MATRIX = 12
# Moving markers apart costs a few ms per item on a quiet core up to here, and grows as the
# square beyond; more items than this are drawn where they are (their numbers are in the table).
MAX_SPREAD_APART = 40


def spread_apart(points: Sequence[tuple[float, float]], min_dx: float, min_dy: float,
                 bounds: tuple[float, float], rounds: int = 200) -> list[tuple[float, float]]:
    """Return the points moved just far enough apart that markers of the given size never overlap.

    Written here because no charting library we use places markers for Vega-Lite: overlapping
    pairs are pushed apart along the line between them until none overlap, so each moves only as
    far as it must, and everything stays inside ``bounds``. Deterministic (same input, same output), and
    vectorised with numpy: 30 items cost a few milliseconds.
    """
    if len(points) < 2:
        return list(points)
    true = np.array(points, dtype=float) / (min_dx, min_dy)  # in marker widths: a circle of diameter 1
    golden = np.arange(len(points)) * 2.39996  # a direction apart for points on exactly the same spot
    ties = np.stack([np.cos(golden), np.sin(golden)], axis=1) * 1e-3
    moved = true + ties
    low, high = bounds[0] / np.array((min_dx, min_dy)) + 0.5, bounds[1] / np.array((min_dx, min_dy)) - 0.5
    for _ in range(rounds):
        delta = moved[:, None, :] - moved[None, :, :]
        dist = np.hypot(delta[..., 0], delta[..., 1])
        np.fill_diagonal(dist, np.inf)
        overlap = np.clip(1.0 - dist, 0.0, None)
        if not overlap.any():
            break
        apart = ties[:, None, :] - ties[None, :, :]  # two on one spot (pinned by a wall): opposite ways
        apart /= np.maximum(np.hypot(apart[..., 0], apart[..., 1]), 1e-12)[..., None]
        direction = np.where(dist[..., None] > 1e-9, delta / np.maximum(dist, 1e-9)[..., None], apart)
        push = direction * (overlap / 2)[..., None]
        moved += push.sum(axis=1)
        moved = np.clip(moved, low, high)
    untouched = np.all(np.abs(moved - (true + ties)) < 1e-2, axis=1)
    moved[untouched] = true[untouched]  # a point nobody had to make room for stays exactly in place
    return [tuple(p) for p in (moved * (min_dx, min_dy)).tolist()]


@functools.lru_cache(maxsize=32)
def _quadrant_layout(matrix_fields: tuple, dots: bool, bars: bool, items: bool, leaders: bool, low: int, high: int,
                     width: int, height: int, font_size: int, tip_items: tuple) -> dict:
    key, title, x_axis, y_axis, quadrants = matrix_fields
    matrix = Matrix(key=key, title=title, x=x_axis, y=y_axis, quadrants=dict(quadrants))
    pad, mid, tip = 0.5, (low + high) / 2, dict(tip_items)
    lo, hi = low - pad, high + pad
    enc = _axes(((lo, hi), (lo, hi)))
    ux, uy = (hi - lo) / width, (hi - lo) / height  # data units per pixel, for offsets outside the plot
    quads = {"top_right": (mid, hi, mid, hi), "top_left": (lo, mid, mid, hi),
             "bottom_right": (mid, hi, lo, mid), "bottom_left": (lo, mid, lo, mid)}
    rects = pd.DataFrame([{"quadrant": q, "x": x1, "x2": x2, "y": y1, "y2": y2}
                          for q, (x1, x2, y1, y2) in quads.items()])
    background = alt.Chart(rects, name="quadrants").mark_rect(stroke="white", strokeWidth=2).encode(
        x2="x2:Q", y2="y2:Q",
        fill=alt.Fill("quadrant:N", scale=alt.Scale(domain=list(QUADRANT_STYLE),
                      range=[s[0] for s in QUADRANT_STYLE.values()]), legend=None), **enc)
    inset_x, inset_y = 12 * ux, 10 * uy
    qlabels = [
        alt.Chart(pd.DataFrame([{"label": matrix.quadrants[q],
                                 "x": hi - inset_x if q.endswith("right") else lo + inset_x,
                                 "y": hi - inset_y if q.startswith("top") else lo + inset_y}]),
                  name=f"label_{q}")
        .mark_text(fontSize=font_size, fontWeight="bold", color=color,
                   align="right" if q.endswith("right") else "left",
                   baseline="top" if q.startswith("top") else "bottom")
        .encode(text="label:N", **enc)
        for q, (_, color) in QUADRANT_STYLE.items() if q in matrix.quadrants
    ]
    midlines = alt.Chart(pd.DataFrame([{"x": mid, "y": lo, "x2": mid, "y2": hi},
                                       {"x": lo, "y": mid, "x2": hi, "y2": mid}]), name="midlines") \
        .mark_rule(color="#8b95a1", strokeDash=[6, 5], strokeWidth=1.5).encode(x2="x2:Q", y2="y2:Q", **enc)

    # Axis titles with their end words, outside the plot; the x ends follow the drawn direction.
    left, right = (matrix.x.high, matrix.x.low) if matrix.x.reversed else (matrix.x.low, matrix.x.high)
    gap = 8 * uy
    end_style = dict(fontSize=font_size, color=MUTED, fontWeight="bold")
    title_style = dict(fontSize=font_size + 1, color=INK, fontWeight="bold")
    axis_text = [
        ("x_title", matrix.x.label, mid, lo - gap, dict(baseline="top", **title_style)),
        ("x_low_end", left, lo, lo - gap, dict(align="left", baseline="top", **end_style)),
        ("x_high_end", right, hi, lo - gap, dict(align="right", baseline="top", **end_style)),
        ("y_low_end", matrix.y.low, lo - 8 * ux, lo, dict(align="right", baseline="bottom", **end_style)),
        ("y_high_end", matrix.y.high, lo - 8 * ux, hi, dict(align="right", baseline="top", **end_style)),
    ]
    end_px = 0.62 * font_size * max(len(matrix.y.low), len(matrix.y.high))
    axis_text.append(("y_title", matrix.y.label, lo - (end_px + 16) * ux, mid,
                      dict(angle=270, baseline="bottom", **title_style)))
    axis_layers = [alt.Chart(pd.DataFrame([{"label": t, "x": x, "y": y}]), name=name)
                   .mark_text(**style).encode(text="label:N", **enc)
                   for name, t, x, y, style in axis_text]
    layers = [background, midlines, *qlabels, *axis_layers]

    color = alt.Color("chosen:N", scale=alt.Scale(domain=[False, True], range=[ITEM_COLOR, CHOSEN_COLOR]),
                      legend=None)
    if dots:
        layers.append(alt.Chart(_named("individual"), name="individual").mark_circle(
            size=40, opacity=0.3).encode(color=color, **enc))
    if items:
        tooltip = [alt.Tooltip("number:N", title=tip["number"]), alt.Tooltip("text:N", title=tip["text"]),
                   alt.Tooltip("x_mean:N", title=f"{matrix.x.label}, {tip['mean'].lower()}"),
                   alt.Tooltip("x_std:N", title=f"{matrix.x.label}, {tip['std'].lower()}"),
                   alt.Tooltip("y_mean:N", title=f"{matrix.y.label}, {tip['mean'].lower()}"),
                   alt.Tooltip("y_std:N", title=f"{matrix.y.label}, {tip['std'].lower()}"),
                   alt.Tooltip("n:Q", title=tip["n"])]
        if bars:
            layers.append(alt.Chart(_named("spread"), name="spread").mark_rule(
                strokeWidth=3, strokeCap="round", opacity=0.5).encode(
                x2="x2:Q", y2="y2:Q", color=color, **enc))
        if leaders:  # a marker moved aside to stay readable: a thin line from a dot at its true place
            layers.append(alt.Chart(_named("leaders"), name="leaders").mark_rule(
                color=INK, strokeWidth=1.2, opacity=0.7).encode(x2="x2:Q", y2="y2:Q", **enc))
            layers.append(alt.Chart(_named("anchors"), name="anchors").mark_circle(
                color=INK, size=28, opacity=0.9).encode(**enc))
        radius = font_size * 48
        layers.append(alt.Chart(_named("items"), name="items").mark_circle(opacity=1).encode(
            color=color, size=alt.condition("datum.chosen", alt.value(radius * 1.5), alt.value(radius)),
            stroke=alt.condition("datum.chosen", alt.value(INK), alt.value("white")),
            strokeWidth=alt.condition("datum.chosen", alt.value(4), alt.value(2)), tooltip=tooltip, **enc))
        layers.append(alt.Chart(_named("items"), name="numbers").mark_text(
            color="white", fontWeight="bold", fontSize=font_size, baseline="middle").encode(
            text="number:N", tooltip=tooltip, **enc))
    return _finish(alt.layer(*layers), width, height, font_size).to_dict()


def to_png(spec: dict, scale: float = 2.0) -> bytes:
    """Render a chart's Vega-Lite spec to PNG bytes offline, for the Word and PDF exports."""
    return vl_convert.vegalite_to_png(spec, scale=scale)
