"""Explainable matching of approved freelancers to a job post.

- ``availability``: weekly windows (local wall-clock, any IANA zone) → a bit set of the week's 672 UTC
  quarter-hours for one *actual* week, so DST is whatever the calendar says that week.
- ``index``: one precomputed ``MatchIndex`` row per profile (bit masks for skills/languages/channels/tools,
  availability bits, rate in cents, quality and reliability in 1/100 points).
- ``ranking``: hard filters and the weighted score in one SQL statement over that table (``ORDER BY total
  DESC, profile_id ASC LIMIT k``), then the breakdown of the returned rows. Integer arithmetic throughout, so
  the SQL, the Python breakdown and the test reference agree to the last digit.
"""

from .ranking import Candidate, MatchPage, job_vector, rank_job  # noqa: F401
