"""What the dashboard draws from a chart's rows."""

from decimal import Decimal

import pytest

from qa_ops import charts
from qa_ops.dashboards import Chart


def heat(rows, extra=None):
    return charts.draw(
        Chart("heatmap", "Points lost by criterion", ["freelancer", "criterion", "lost", "n"], rows, extra or {})
    )


def test_heat_map_draws_the_freelancers_and_criteria_that_lose_most_first():
    rows = []
    for i in range(20):  # f00 loses least, f19 most; "tone" costs more than "greeting" for everyone
        rows.append([f"f{i:02}@x.test", "greeting", Decimal(i) / 10, 3])
        rows.append([f"f{i:02}@x.test", "tone", Decimal(i), 3])
    drawn = heat(rows)
    assert [label["text"] for label in drawn["rows_labels"]] == [f"f{i:02}@x.test" for i in range(19, 4, -1)]
    # Columns are numbered; the legend and each number's <title> give the criterion (its key without labels).
    assert [(label["text"], label["full"]) for label in drawn["col_labels"]] == [("1", "tone"), ("2", "greeting")]
    assert drawn["criteria"] == [
        {"number": 1, "label": "tone", "key": "tone"},
        {"number": 2, "label": "greeting", "key": "greeting"},
    ]
    assert len(drawn["cells"]) == 30  # 15 freelancers × 2 criteria; the 5 who lose least are left out
    assert drawn["note"] == (
        "The 15 of 20 freelancers who lose the most points and the 2 of 2 criteria that cost the most;"
        " the CSV has every cell."
    )
    top = next(c for c in drawn["cells"] if c["title"].startswith("f19@x.test · tone"))
    assert (top["opacity"], top["title"]) == (1.0, "f19@x.test · tone: 19 points lost")


def test_small_heat_map_draws_everything_without_a_note():
    drawn = heat([["a@x.test", "greeting", Decimal("2.00"), 1], ["b@x.test", "greeting", Decimal("0.00"), 1]])
    assert [label["text"] for label in drawn["rows_labels"]] == ["a@x.test", "b@x.test"]
    assert "note" not in drawn and len(drawn["cells"]) == 2


def test_heat_map_shows_criterion_labels_and_freelancer_names_with_the_full_text_on_hover():
    long_name = "Maria Fernanda Santos de la Cruz"
    drawn = heat(
        [["maria@x.test", "greeting", Decimal("2.67"), 3], ["sam@x.test", "tone", Decimal("1.00"), 2]],
        {
            "labels": {"greeting": "Greets the customer by name", "tone": "Positive wording"},
            "names": {"maria@x.test": long_name, "sam@x.test": "Sam Ortiz"},
        },
    )
    assert [(r["text"], r["full"]) for r in drawn["rows_labels"]] == [
        ("Maria Fernanda Santos d…", long_name),
        ("Sam Ortiz", "Sam Ortiz"),
    ]
    assert [(c["text"], c["full"]) for c in drawn["col_labels"]] == [
        ("1", "Greets the customer by name"),
        ("2", "Positive wording"),
    ]
    assert [c["label"] for c in drawn["criteria"]] == ["Greets the customer by name", "Positive wording"]
    assert [c["title"] for c in drawn["cells"]] == [
        f"{long_name} · Greets the customer by name: 2.67 points lost",
        "Sam Ortiz · Positive wording: 1.00 points lost",
    ]
    assert (drawn["x_title"], drawn["y_title"]) == ("criterion (numbered in the legend)", "freelancer")


@pytest.mark.parametrize(
    ("key", "rows", "axes"),
    [
        ("iqs_trend", [["2026-11-02", "All", Decimal("92.75"), 2]], ("week", "IQS (0–100)")),
        ("critical_fails", [["2026-11-02", 1, 4, Decimal("25.0")]], ("week", "critical fails (% of reviews)")),
        ("throughput", [["quinn@x.test", 5, 2, 1]], ("reviewer", "reviews")),
        ("disputes", [["2026-11-02", 4, 1, Decimal("25.0"), 1, 0, 0, 0]], ("week", "disputes (% of reviews)")),
        ("csat_scatter", [[1, Decimal(80), Decimal(90)]], ("CSAT (0–100)", "QA score (0–100)")),
        ("calibration_alpha", [["2026-11-05", 1, "Nov", 0.8, 3]], ("session closed", "Krippendorff's alpha (−1 to 1)")),
    ],
)
def test_every_chart_names_its_axes_with_units(key, rows, axes):
    drawn = charts.draw(Chart(key, key, [], rows, {}))
    assert (drawn["x_title"], drawn["y_title"]) == axes


def test_throughput_has_a_legend_and_reviewer_labels():
    drawn = charts.draw(Chart("throughput", "t", [], [["quinn@shiftdesk.test", 5, 2, 1]], {}))
    assert [(item["mark"], item["text"]) for item in drawn["legend"]] == [
        ("bar", "reviews submitted in the period"),
        ("bar-backlog", "open assignments (backlog)"),
    ]
    assert [(label["text"], label["full"]) for label in drawn["xlabels"]] == [
        ("quinn@shiftde…", "quinn@shiftdesk.test")
    ]


def test_weekly_bars_are_labelled_by_their_week():
    drawn = charts.draw(Chart("disputes", "d", [], [["2026-11-02", 4, 1, Decimal("25.0"), 1, 0, 0, 0]], {}))
    assert [(label["text"], label["full"]) for label in drawn["xlabels"]] == [("11-02", "2026-11-02")]
