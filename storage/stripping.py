"""Image metadata stripped before a photo is archived: EXIF (with GPS: where a student stood), XMP, comments.

A student's photo of a broken lab door may carry the phone's location, its serial number and the moment it was
taken; the archive keeps the evidence, not that. The pixels are drawn onto a new image and saved again, so
nothing of the original file's metadata can ride along (Pillow copies some of it, e.g. a JPEG comment, when an
opened image is saved). The EXIF orientation is applied first, so the picture still stands the right way up.
The colour profile (ICC) is kept: it says how to show the colours, nothing about the person.

JPEG stays JPEG (quality 95); other images Pillow reads become PNG (lossless); a file Pillow cannot read as an
image is kept as it is — the evidence matters more than its metadata, and such a file is not a photo a phone
tags. Blocking (CPU): call through ``asyncio.to_thread`` from the event loop.
"""

from __future__ import annotations

import io
import logging

from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)
JPEG_QUALITY = 95


def is_image(mime: str | None, file_type: str | None) -> bool:
    """A Telegram photo, or a document sent with an ``image/*`` type."""
    return file_type == "photo" or (mime or "").casefold().startswith("image/")


#: The first bytes of the image formats a phone or a scanner sends: JPEG, PNG, GIF, TIFF (both orders), WebP (after
#: "RIFF"), and the ISO media brands of HEIC/HEIF/AVIF (after the box size, at offset 4).
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypheif", b"ftypmif1", b"ftypmsf1", b"ftypavif")


def looks_like_image(data: bytes) -> bool:
    """Whether ``data`` starts as an image file does, whatever type it was sent with."""
    head = data[:16]
    return (head.startswith(_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
            or head[4:12] in _BRANDS)


def strip_metadata(data: bytes) -> tuple[bytes, str] | None:
    """``(the image re-saved without metadata, its MIME type)``; None when ``data`` is not an image Pillow reads."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            original_format = opened.format
            icc = opened.info.get("icc_profile")
            upright = ImageOps.exif_transpose(opened)
            clean = _pixels_only(upright)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        log.warning("an image could not be read to strip its metadata (%s); kept as it is", type(exc).__name__)
        return None
    out = io.BytesIO()
    extra = {"icc_profile": icc} if isinstance(icc, bytes) else {}
    if original_format in ("JPEG", "MPO"):
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, **extra)
        return out.getvalue(), "image/jpeg"
    clean.save(out, format="PNG", **extra)
    return out.getvalue(), "image/png"


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image with ``image``'s pixels and nothing else (no ``info``: no EXIF, XMP, comment, text chunks)."""
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean
