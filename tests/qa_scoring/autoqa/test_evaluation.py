import pytest

from qa_scoring.autoqa.evaluation import CheckAgreement, check_agreement, is_fail


def test_is_fail_on_binary_and_scale():
    assert is_fail(0) and not is_fail(1)
    assert [is_fail(v, 1, 5) for v in (1, 2, 3, 4, 5)] == [True, True, False, False, False]
    with pytest.raises(ValueError, match="maximum must be above"):
        is_fail(1, 1, 1)


def test_precision_recall_and_agreement():
    # suggested, final: 2 true flags, 1 false flag, 1 missed fail, 2 agreeing passes, 1 N/A left out
    pairs = [(0, 0), (0, 0), (0, 1), (1, 0), (1, 1), (1, 1), (0, None)]
    assert check_agreement(pairs) == CheckAgreement(
        compared=6, flagged=3, failed=3, true_flags=2, precision=2 / 3, recall=2 / 3, agreement=4 / 6
    )


def test_scale_criterion_and_empty_inputs():
    result = check_agreement([(2, 1), (4, 5), (4, 2)], low=1, high=5)
    assert (result.flagged, result.failed, result.true_flags, result.precision, result.recall) == (1, 2, 1, 1.0, 0.5)
    assert check_agreement([]) == CheckAgreement(0, 0, 0, 0, None, None, None)
    assert check_agreement([(1, 1)]).precision is None
