"""AutoQA: automatic checks that suggest criterion values, with evidence, for reviewers to accept or override.

One module per check; all registered in ``registry.py``; phrase lists per language in ``phrases.py``.
"""

from .base import Evidence, Suggestion
from .evaluation import CheckAgreement, check_agreement
from .registry import CHECKS, criterion_keys, run_checks
from .response_time import BusinessHours

__all__ = [
    "CHECKS",
    "BusinessHours",
    "CheckAgreement",
    "Evidence",
    "Suggestion",
    "check_agreement",
    "criterion_keys",
    "run_checks",
]
