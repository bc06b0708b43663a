"""The scorecard's running score (static/js/scorecard_score.js) gives the server's score to the digit.

The script's pure function runs under Node on the same grades as ``qa_scoring.scoring.review_score``: weights,
N/A left out, scales of any span, critical fails, and the half-up rounding of exact sums.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_scoring.scoring import review_score

NODE = shutil.which("node")
SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "scorecard_score.js"
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def running_scores(cases: list[list[dict]]) -> list[dict]:
    program = (
        f"const {{ scoreItems }} = require({json.dumps(str(SCRIPT))});"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(scoreItems)));"
    )
    done = subprocess.run([NODE, "-e", program], input=json.dumps(cases), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def server(items: list[dict]) -> dict:
    kind = {True: "binary", False: "scale"}
    result = review_score(
        [
            (kind[i["min"] == 0 and i["max"] == 1], i["min"], i["max"], i["weight"], i["value"], i["critical"])
            for i in items
        ]
    )
    return {"score": None if result.score is None else str(result.score), "criticalFail": result.critical_fail}


def test_known_cards():
    cases = {
        # The reviewer journey's card: 100 − 1.50 − 5.00.
        "93.50": [
            {"min": 1, "max": 5, "weight": 6, "critical": False, "value": 4},
            {"min": 1, "max": 5, "weight": 20, "critical": False, "value": 4},
            {"min": 0, "max": 1, "weight": 74, "critical": False, "value": 1},
        ],
        # 3 × 1/3 is exactly 1 → 100 / 160 = 0.625 → 0.63, half up on the exact sum.
        "0.63": [
            {"min": 1, "max": 4, "weight": 3, "critical": False, "value": 2},
            {"min": 0, "max": 1, "weight": 100, "critical": False, "value": 0},
            {"min": 0, "max": 1, "weight": 57, "critical": False, "value": 0},
        ],
        # N/A left out: only the 1/3 counts.
        "33.33": [
            {"min": 1, "max": 4, "weight": 30, "critical": False, "value": 2},
            {"min": 0, "max": 1, "weight": 50, "critical": False, "value": None},
        ],
        # A critical criterion failed: 0.00 whatever the rest.
        "0.00": [
            {"min": 0, "max": 1, "weight": 10, "critical": True, "value": 0},
            {"min": 1, "max": 5, "weight": 90, "critical": False, "value": 5},
        ],
    }
    got = running_scores(list(cases.values()))
    assert [g["score"] for g in got] == list(cases)
    assert [g["criticalFail"] for g in got] == [False, False, False, True]
    assert running_scores([[], [{"min": 0, "max": 1, "weight": 0, "critical": False, "value": 1}]]) == [
        {"score": None, "criticalFail": False},
        {"score": None, "criticalFail": False},
    ]


@st.composite
def item(draw):
    lo = draw(st.integers(0, 5))
    hi = draw(st.integers(lo + 1, lo + 10))
    value = draw(st.one_of(st.none(), st.integers(lo, hi)))
    return {"min": lo, "max": hi, "weight": draw(st.integers(0, 100)), "critical": draw(st.booleans()), "value": value}


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(item(), min_size=1, max_size=12), min_size=20, max_size=20))
def test_running_score_equals_the_server_score(cards):
    assert running_scores(cards) == [server(card) for card in cards]
