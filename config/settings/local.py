"""Local development and the demo: SQLite, console e-mail, a folder broker, DEBUG on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
