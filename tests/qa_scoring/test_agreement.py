import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_scoring.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha, percent_agreement

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4 observers × 12 units example.
_ = None
KRIPPENDORFF = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]

# Fleiss (1971) as reproduced on Wikipedia ("Fleiss' kappa", worked example): 10 subjects, 14 raters, 5 categories.
FLEISS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


@pytest.mark.parametrize(
    ("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_krippendorff_published_values(level, expected):
    assert round(krippendorff_alpha(KRIPPENDORFF, level), 3) == expected


def test_krippendorff_nominal_accepts_labels():
    labels = {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}
    rows = [[labels.get(v) for v in row] for row in KRIPPENDORFF]
    assert round(krippendorff_alpha(rows, "nominal"), 3) == 0.743


def test_krippendorff_perfect_agreement_with_missing_data():
    assert krippendorff_alpha([[1, 0, None, 1], [1, 0, 1, None], [None, 0, 1, 1]], "nominal") == 1.0


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([[1, 2, 3]], "at least two raters; this has 1"),
        ([[1, None, 3], [None, 2, None]], "No pairable values"),
        ([[1, 1], [1, 1]], "alpha is undefined"),
        ([[0, 0, 1], [0, 0, None]], "Every paired rating has the same value"),
        ([[1, 2], [1]], "same units"),
    ],
)
def test_krippendorff_degenerate_input(rows, message):
    with pytest.raises(ValueError, match=message):
        krippendorff_alpha(rows, "nominal")


def test_krippendorff_level_checks():
    with pytest.raises(ValueError, match="Unknown level 'cardinal'"):
        krippendorff_alpha(KRIPPENDORFF, "cardinal")
    with pytest.raises(ValueError, match="Ordinal alpha needs numeric ratings."):
        krippendorff_alpha([["a", "b"], ["a", "a"]], "ordinal")
    with pytest.raises(ValueError, match="Ratio alpha needs ratings of zero or more."):
        krippendorff_alpha([[-1, 2], [1, 2]], "ratio")


def test_fleiss_published_value():
    assert round(fleiss_kappa(FLEISS), 3) == 0.210


def test_fleiss_perfect_agreement():
    assert fleiss_kappa([[3, 0], [0, 3], [3, 0]]) == 1.0


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([], "at least one subject"),
        ([[2, 1], [1, 1]], "same number of raters for every subject; got 2, 3"),
        ([[1, 0], [0, 1]], "at least two raters per subject"),
        ([[3, 0], [3, 0]], "kappa is undefined"),
        ([[1, 1], [2]], "rows of different lengths"),
    ],
)
def test_fleiss_degenerate_input(counts, message):
    with pytest.raises(ValueError, match=message):
        fleiss_kappa(counts)


def test_cohen_published_value():
    # Wikipedia "Cohen's kappa", worked example: 50 grant proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert round(cohen_kappa(a, b), 3) == 0.4


def test_cohen_skips_missing_and_rejects_degenerate():
    assert cohen_kappa([1, 0, None, 1], [1, 0, 1, None]) == 1.0
    with pytest.raises(ValueError, match="No pairable values"):
        cohen_kappa([1, None], [None, 1])
    with pytest.raises(ValueError, match="same category throughout"):
        cohen_kappa([1, 1], [1, 1])
    with pytest.raises(ValueError, match="different lengths"):
        cohen_kappa([1], [1, 2])


def test_percent_agreement():
    assert percent_agreement([[1, 0, 1], [1, 1, None], [1, 0, 0]]) == 4 / 7


def _nominal_alpha_by_hand(rows):
    """Krippendorff's coincidence-matrix definition, written out for the nominal level."""
    coincidences = {}
    for unit in zip(*rows, strict=True):
        present = [v for v in unit if v is not None]
        m = len(present)
        if m < 2:
            continue
        for i, c in enumerate(present):
            for j, k in enumerate(present):
                if i != j:
                    coincidences[(c, k)] = coincidences.get((c, k), 0) + 1 / (m - 1)
    totals = {}
    for (c, _k), value in coincidences.items():
        totals[c] = totals.get(c, 0) + value
    n = sum(totals.values())
    disagreement = sum(v for (c, k), v in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    return 1 - (n - 1) * disagreement / expected


def _pairable(rows):
    units = [[v for v in unit if v is not None] for unit in zip(*rows, strict=True)]
    return {v for unit in units if len(unit) >= 2 for v in unit}


@given(
    st.lists(st.lists(st.sampled_from([0, 1, 2, None]), min_size=6, max_size=6), min_size=2, max_size=5).filter(
        lambda rows: len(_pairable(rows)) >= 2
    )
)
def test_nominal_alpha_matches_the_coincidence_matrix_definition(rows):
    alpha = krippendorff_alpha(rows, "nominal")
    assert alpha <= 1.0 + 1e-9
    assert math.isclose(alpha, _nominal_alpha_by_hand(rows), abs_tol=1e-9)


@given(st.lists(st.lists(st.sampled_from([0, 1, None]), min_size=4, max_size=4), min_size=2, max_size=4))
def test_alpha_gives_a_number_or_a_clear_error(rows):
    try:
        alpha = krippendorff_alpha(rows, "nominal")
    except ValueError as exc:
        assert str(exc).startswith(("No pairable values", "Every paired rating has the same value"))
    else:
        assert not math.isnan(alpha)
