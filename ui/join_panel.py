"""The join panel of the shared screen: code, QR code and URL, readable from the back of a room."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
import streamlit as st

from fea_core.config import public_url


def join_url(code: str) -> str:
    """Return the URL a phone opens to join: FEA_PUBLIC_URL, else the address this screen uses."""
    base = public_url()
    if base is None:
        parts = urlsplit(st.context.url or "http://localhost:8501/")
        base = f"{parts.scheme}://{parts.netloc}"
    return f"{base}/?code={code}"


@st.cache_data(max_entries=256, show_spinner=False)
def qr_png(url: str) -> bytes:
    """Return the QR code for a URL as PNG bytes (cached: the URL never changes for a workshop)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=12, border=2, dark="#10243e")
    return buffer.getvalue()


def qr_alt(url: str, code: str) -> str:
    """Return the QR code's text alternative: the join address and the code spelt out, one
    character at a time, so a screen reader reads "K 7 M" rather than a made-up word."""
    from ui.context import t

    return t("a11y.qr_alt", url=url, code=code, spelt=" ".join(code))
