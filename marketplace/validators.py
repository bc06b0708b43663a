"""Field validators for uploads and weekly windows."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def validate_photo(file) -> None:
    """At most PROFILE_PHOTO_MAX_BYTES, and really a JPEG, PNG or WebP image (Pillow reads it)."""
    if file is None:
        return
    limit = settings.PROFILE_PHOTO_MAX_BYTES
    if file.size > limit:
        raise ValidationError(f"The photo is {filesizeformat(file.size)}; the limit is {filesizeformat(limit)}.")
    from PIL import Image, UnidentifiedImageError

    try:
        position = file.tell() if hasattr(file, "tell") else 0
        file.seek(0)
        with Image.open(file) as image:
            fmt = image.format
            image.verify()
        file.seek(position)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError("Upload a valid image (JPEG, PNG or WebP).") from exc
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(f"{fmt} images are not accepted; use JPEG, PNG or WebP.")


def validate_quarter_hour(value: dt.time) -> None:
    if value.minute % 15 or value.second or value.microsecond:
        raise ValidationError("Use quarter-hours (:00, :15, :30 or :45).")
