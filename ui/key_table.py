"""A chart's key table for the room view: plain HTML, every cell escaped.

Not st.dataframe (a canvas grid with English toolbar texts, "Download as CSV", "Search", and
a fixed row height) nor st.table (its cells are Markdown): a compact table the room view's CSS
can size to the projector, that draws user text as text.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st


def key_table(frame: pd.DataFrame, *, test_id: str, caption: str) -> None:
    """Draw ``frame`` (its columns as headers, no index) as a plain, escaped HTML table."""
    head = "".join(f"<th scope='col'>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if pd.isna(v) else str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    st.html(
        f"<div class='fea-key-table' data-testid='{escape(test_id)}'><table>"
        f"<caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
