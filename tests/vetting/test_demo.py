import io

import pytest

from vetting.models import Application, InterviewSlot, Scenario, Stage, StageResult

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Application.objects.count(),
        StageResult.objects.count(),
        Scenario.objects.count(),
        InterviewSlot.objects.count(),
        sorted(Application.objects.values_list("status", "stage")),
    )


def test_demo_covers_every_stage_and_is_idempotent():
    from accounts import demo as accounts_demo
    from vetting import demo

    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    first = _counts()
    demo.seed(io.StringIO())

    assert _counts() == first
    open_stages = set(Application.objects.filter(status="open").values_list("stage", flat=True))
    assert open_stages == set(Stage.values)
    assert Application.objects.filter(status="approved").count() == 1
    assert Application.objects.filter(status="rejected").count() == 1
    assert Scenario.objects.count() == 6
    for result in StageResult.objects.filter(finished_at__isnull=False):
        assert result.finished_at > result.started_at
