"""The join panel of the shared screen: code, QR code and URL, readable from the back of a room."""

from __future__ import annotations

import io

import segno
import streamlit as st
from streamlit import config as st_config  # what st.get_option reads; AppTest can patch it here

from fea_core.config import public_url
from ui.join_address import JoinAddress, join_address, lan_ip
from ui.context import t


def _address() -> JoinAddress:
    # FEA_PUBLIC_URL, else the address this screen's browser uses, or the LAN address instead of localhost.
    return join_address(public_url(), st.context.url, st_config.get_option("server.address"), lan_ip())


def join_url(code: str) -> str:
    """Return the URL a phone opens to join (see ui/join_address.py)."""
    return f"{_address().base}/?code={code}"


def unreachable_warning() -> None:
    """Warn on the shared screen when the only join address is one phones cannot open."""
    if not _address().reachable:
        st.warning(t("join_address.unreachable"), icon=":material/wifi_off:")


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
