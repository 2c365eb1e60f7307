"""Check-in codes for council event registrations, and their QR images.

A code is read aloud at the door or typed by a coordinator, so it is short and
drawn from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B).
"""

from __future__ import annotations

import io
import secrets

import segno

ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"
CODE_LENGTH = 6


def new_code() -> str:
    """A random code; 25**6 ≈ 244 million of them, so collisions are rare but checked."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a coordinator typed, as stored: upper case, without spaces or dashes.

    Turkish keyboards give a dotted "i" whose upper case is "İ"; it is not in the
    alphabet either way, so plain str.upper() is enough here.
    """
    return "".join(ch for ch in text.upper() if ch not in " -\t\n")


def qr_png(code: str, scale: int = 8) -> bytes:
    """The code as a QR image (PNG); segno draws it without Pillow."""
    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
