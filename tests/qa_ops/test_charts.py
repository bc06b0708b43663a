"""What the dashboard draws from a chart's rows."""

from decimal import Decimal

from qa_ops import charts
from qa_ops.dashboards import Chart


def heat(rows):
    return charts.draw(Chart("heatmap", "Points lost by criterion", ["freelancer", "criterion", "lost", "n"], rows, {}))


def test_heat_map_draws_the_freelancers_and_criteria_that_lose_most_first():
    rows = []
    for i in range(20):  # f00 loses least, f19 most; "tone" costs more than "greeting" for everyone
        rows.append([f"f{i:02}@x.test", "greeting", Decimal(i) / 10, 3])
        rows.append([f"f{i:02}@x.test", "tone", Decimal(i), 3])
    drawn = heat(rows)
    assert [label["text"] for label in drawn["rows_labels"]] == [f"f{i:02}@x.test" for i in range(19, 4, -1)]
    assert [label["text"] for label in drawn["col_labels"]] == ["tone", "greeting"]
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
