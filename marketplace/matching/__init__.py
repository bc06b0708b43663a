"""Explainable matching of approved freelancers to a job post.

- ``availability``: weekly windows (local wall-clock, any IANA zone) → a bit set of the week's 672 UTC
  quarter-hours for one *actual* week, so DST is whatever the calendar says that week.
- ``index``: one precomputed ``MatchIndex`` row per profile (bit masks for skills/languages/channels/tools,
  availability bits, rate in cents, committed hours, quality and reliability in 1/100 points); every change
  to it also maintains the materialized heads.
- ``jobs``: a job post → its ``JobIndex`` row for one week (masks, language masks per CEFR level, availability
  bits, rate in cents, hours, denominators).
- ``scoring``: the one SQL expression for hard filters, signals and total over (``MatchIndex``, ``JobIndex``),
  used by the live ranking, the head build and the head maintenance. Integer arithmetic throughout, so the
  SQL, the Python breakdown and the test reference agree to the last digit.
- ``heads``: each job's exact ranking head (top ``MATCHING_HEAD_SIZE`` above a floor, and the exact count),
  built lazily and maintained on every profile change; the invariant and the locking are documented there.
- ``ranking``: ``rank_job`` serves a page from the head (two queries) or scans live.
"""

from .jobs import job_vector  # noqa: F401
from .ranking import rank_job, rank_job_live  # noqa: F401
from .scoring import Candidate, MatchPage  # noqa: F401
