"""The product screens photographed for the README (see scripts/screenshots.py)."""


def PAGES(maybe):  # noqa: N802 - a constant-like table built at run time
    return []
