"""Arbejdsmiljøkompetencemodellen drawn for the Vidensoplæg: figure 1's circle, without data.

Six factors around a circle, low competence at the centre and high at the rim, in the same
places as on the competence radar the room rates on right after the talk.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import pandas as pd

from fea_core.charts import FONT, INK, gap_between_spokes, wrap_words
from fea_core.method import Factor

RINGS = 5
# From the centre (low) to the rim (high): the circle darkens outwards.
RING_FILLS = ("#eef4fb", "#dce8f6", "#c6d9f0", "#adc8e8", "#92b5df")
SPOKE, RIM, LOW_HIGH = "#ffffff", "#1f5fbf", "#10243e"


LABEL_WIDTH = 12  # characters per line of a factor's label beside the circle


def competence_circle(
    factors: Sequence[Factor], *, low: str, high: str, width: int = 820, height: int = 600, font_size: int = 24
) -> alt.LayerChart:
    """Draw the six factors around a circle shaded from low (centre) to high (rim)."""
    angle = [f.radians for f in factors]  # figur 1's places
    pos = lambda r, a: (r * math.sin(a), r * math.cos(a))  # noqa: E731 - top, clockwise

    # Pixels per unit: the circle as large as the labels beside and above it allow.
    char_w, line_h, gap = 0.6 * font_size, 1.25 * font_size, 0.45
    widest = max((len(line) for f in factors for line in wrap_words(f.label, LABEL_WIDTH)), default=1) * char_w + 10
    tallest = max((len(wrap_words(f.label, LABEL_WIDTH)) for f in factors), default=1) * line_h
    ppu = min((width / 2 - widest - 8) / (RINGS + gap), (height / 2 - tallest - 8) / (RINGS + gap))
    dx, dy = width / 2 / ppu, height / 2 / ppu
    enc = {
        "x": alt.X("x:Q", scale=alt.Scale(domain=[-dx, dx], nice=False, zero=False), axis=None),
        "y": alt.Y("y:Q", scale=alt.Scale(domain=[-dy, dy], nice=False, zero=False), axis=None),
    }

    discs = []
    for ring in range(RINGS, 0, -1):  # largest first, so each smaller disc lies on top
        for j in range(97):
            x, y = pos(ring, 2 * math.pi * j / 96)
            discs.append({"ring": ring, "i": j, "x": x, "y": y})
    layers = [
        alt.Chart(pd.DataFrame([d for d in discs if d["ring"] == ring]), name=f"disc_{ring}")
        .mark_line(fill=RING_FILLS[ring - 1], color=RIM if ring == RINGS else "#ffffff",
                   strokeWidth=3 if ring == RINGS else 1.5)
        .encode(order="i:Q", **enc)
        for ring in range(RINGS, 0, -1)
    ]
    spokes = [{"x": 0.0, "y": 0.0, **dict(zip(("x2", "y2"), pos(RINGS, a)))} for a in angle]
    layers.append(
        alt.Chart(pd.DataFrame(spokes), name="spokes")
        .mark_rule(color=SPOKE, strokeWidth=2.5)
        .encode(x2="x2:Q", y2="y2:Q", **enc)
    )
    dots = [{"factor": f.label, **dict(zip("xy", pos(RINGS, a)))} for f, a in zip(factors, angle)]
    layers.append(
        alt.Chart(pd.DataFrame(dots), name="factor_dots")
        .mark_point(filled=True, size=font_size * 9, color=RIM, opacity=1)
        .encode(**enc)
    )

    labels = []
    for f, a in zip(factors, angle):
        x, y = pos(RINGS + gap, a)
        side = "center" if abs(x) < 1e-6 else ("left" if x > 0 else "right")
        baseline = "middle" if side != "center" else ("bottom" if y > 0 else "top")
        labels.append({"factor": f.key, "text": "\n".join(wrap_words(f.label, LABEL_WIDTH)), "x": x, "y": y,
                       "align": side, "baseline": baseline})
    for key in dict.fromkeys((lab["align"], lab["baseline"]) for lab in labels):
        rows = [lab for lab in labels if (lab["align"], lab["baseline"]) == key]
        layers.append(
            alt.Chart(pd.DataFrame(rows), name=f"labels_{key[0]}_{key[1]}")
            .mark_text(fontSize=font_size, fontWeight="bold", color=INK, align=key[0], baseline=key[1],
                       lineBreak="\n", lineHeight=line_h,
                       dx={"left": 10, "right": -10}.get(key[0], 0))  # clear of the rim's dots
            .encode(text="text:N", **enc)
        )
    # Low at the centre, high at the rim: written on the circle between two spokes.
    between = gap_between_spokes(angle)
    ends = [
        {"text": low, "x": 0.0, "y": 0.0, "size": "low"},
        {"text": high, **dict(zip("xy", pos(RINGS - 0.55, between))), "size": "high"},
    ]
    layers.append(
        alt.Chart(pd.DataFrame(ends), name="low_high")
        .mark_text(fontSize=round(font_size * 0.7), fontStyle="italic", color=LOW_HIGH, fontWeight="bold")
        .encode(text="text:N", **enc)
    )
    return (
        alt.layer(*layers)
        .properties(width=width, height=height)
        .configure(font=FONT)
        .configure_view(strokeWidth=0)
    )
