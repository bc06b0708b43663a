"""Server-side SVG geometry for the dashboard charts (no JavaScript needed to draw; CSP-safe).

``draw(chart)`` turns a dashboard Chart's rows into shapes in a 600 × 240 view box that the template renders.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .dashboards import Chart

W, H, PAD_L, PAD_B, PAD_T = 600, 260, 56, 46, 10
PLOT_W, PLOT_H = W - PAD_L - 10, H - PAD_B - PAD_T
HEAT_L = 150  # the heat map's left margin holds the freelancers' names
NAME_CHARS = 24  # a freelancer's name on the heat map, cut with "…" (the full name is its <title>)

# Axis titles, with units: (horizontal, vertical).
AXES = {
    "iqs_trend": (_("week"), _("IQS (0–100)")),
    "calibration_alpha": (_("session closed"), _("Krippendorff's alpha (−1 to 1)")),
    "critical_fails": (_("week"), _("critical fails (% of reviews)")),
    "throughput": (_("reviewer"), _("reviews")),
    "disputes": (_("week"), _("disputes (% of reviews)")),
    "csat_scatter": (_("CSAT (0–100)"), _("QA score (0–100)")),
    "heatmap": (_("criterion (numbered in the legend)"), _("freelancer")),
}
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


def _y(value: float, lo: float, hi: float) -> float:
    span = (hi - lo) or 1
    return round(PAD_T + PLOT_H - (float(value) - lo) / span * PLOT_H, 1)


def _x(index: int, count: int) -> float:
    return round(PAD_L + (PLOT_W * (index + 0.5) / max(count, 1)), 1)


def _line(rows: list[list[Any]], x_col: int, series_col: int | None, y_col: int, lo: float, hi: float) -> dict:
    xs = sorted({r[x_col] for r in rows})
    index = {x: i for i, x in enumerate(xs)}
    series: dict[str, list[tuple[float, float]]] = {}
    for r in rows:
        if r[y_col] is None:
            continue
        name = str(r[series_col]) if series_col is not None else ""
        series.setdefault(name, []).append((_x(index[r[x_col]], len(xs)), _y(r[y_col], lo, hi)))
    return {
        "series": [
            {
                "name": name,
                "color": PALETTE[i % len(PALETTE)],
                "points": " ".join(f"{x},{y}" for x, y in pts),
                "dots": pts,
            }
            for i, (name, pts) in enumerate(sorted(series.items()))
        ][:8],
        "xlabels": [{"x": _x(i, len(xs)), "text": str(x)[5:], "full": str(x)} for i, x in enumerate(xs)][
            :: max(1, len(xs) // 8)
        ],
    }


def _bars(rows: list[list[Any]], label_col: int, value_col: int, hi: float | None = None) -> list[dict]:
    values = [float(r[value_col] or 0) for r in rows]
    top = hi if hi is not None else max(values + [1.0])
    width = PLOT_W / max(len(rows), 1)
    return [
        {
            "x": round(PAD_L + i * width + width * 0.1, 1),
            "y": _y(v, 0, top),
            "w": round(width * 0.8, 1),
            "h": round(PAD_T + PLOT_H - _y(v, 0, top), 1),
            "label": str(r[label_col]),
            "value": r[value_col],
        }
        for i, (r, v) in enumerate(zip(rows, values, strict=True))
    ]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _xlabels(labels: list[str], centres: list[float], limit: int) -> list[dict]:
    step = max(1, len(labels) // 8)
    return [
        {"x": x, "text": _cut(text, limit), "full": text}
        for i, (text, x) in enumerate(zip(labels, centres, strict=True))
        if i % step == 0
    ]


def _bar_labels(bars: list[dict], *, week: bool) -> list[dict]:
    texts = [b["label"][5:] if week else b["label"] for b in bars]
    labels = _xlabels(texts, [round(b["x"] + b["w"] / 2, 1) for b in bars], 8 if week else 14)
    for label, bar in zip(labels, bars[:: max(1, len(bars) // 8)], strict=False):
        label["full"] = bar["label"]
    return labels


def _axis(lo: float, hi: float, ticks: list[float]) -> list[dict]:
    return [{"y": _y(t, lo, hi), "text": f"{t:g}"} for t in ticks]


HEAT_PEOPLE = 15  # rows of the drawn heat map
HEAT_CRITERIA = 16  # its columns


def draw(chart: Chart) -> dict[str, Any]:
    rows = chart.rows
    x_title, y_title = AXES[chart.key]
    out: dict[str, Any] = {
        "w": W,
        "h": H,
        "empty": not rows,
        "base": PAD_T + PLOT_H,
        "left": PAD_L,
        "right": W - 10,
        "x_title": x_title,
        "y_title": y_title,
        "x_title_x": PAD_L + PLOT_W / 2,
        "y_title_y": PAD_T + PLOT_H / 2,
        "label_y": PAD_T + PLOT_H + 14,
        "legend": [],
    }
    if chart.key == "iqs_trend":
        out.update(kind="line", axis=_axis(0, 100, [0, 25, 50, 75, 100]), **_line(rows, 0, 1, 2, 0, 100))
        out["pass_y"] = _y(chart.extra.get("pass_mark") or 80, 0, 100)
        out["legend"] = [{"color": s["color"], "text": s["name"]} for s in out["series"]]
        out["legend"].append({"mark": "pass-line", "text": _("pass mark")})
    elif chart.key == "calibration_alpha":
        out.update(kind="line", axis=_axis(-1, 1, [-1, 0, 0.667, 0.8, 1]), **_line(rows, 0, None, 3, -1, 1))
    elif chart.key == "critical_fails":
        out.update(kind="bars", axis=_axis(0, 100, [0, 50, 100]), bars=_bars(rows, 0, 3, 100))
        out["xlabels"] = _bar_labels(out["bars"], week=True)
    elif chart.key == "throughput":
        top = max([float(r[1]) for r in rows] + [float(r[2]) for r in rows] + [1.0])
        out.update(kind="bars", axis=_axis(0, top, [0, top]), bars=_bars(rows, 0, 1, top))
        out["backlog"] = _bars(rows, 0, 2, top)
        out["xlabels"] = _bar_labels(out["bars"], week=False)
        out["legend"] = [
            {"mark": "bar", "text": _("reviews submitted in the period")},
            {"mark": "bar-backlog", "text": _("open assignments (backlog)")},
        ]
    elif chart.key == "disputes":
        out.update(kind="bars", axis=_axis(0, 100, [0, 50, 100]), bars=_bars(rows, 0, 3, 100))
        out["xlabels"] = _bar_labels(out["bars"], week=True)
    elif chart.key == "csat_scatter":
        out.update(
            kind="scatter",
            axis=_axis(0, 100, [0, 50, 100]),
            points=[
                {"cx": round(PAD_L + float(csat) / 100 * PLOT_W, 1), "cy": _y(score, 0, 100)}
                for _conversation, csat, score in rows
                if csat is not None and score is not None
            ],
        )
    elif chart.key == "heatmap":
        # The freelancers who lose the most points, and the criteria that cost the most, come first.
        by_person: dict[str, float] = {}
        by_key: dict[str, float] = {}
        for person, key, lost, _scores in rows:
            by_person[person] = by_person.get(person, 0.0) + float(lost or 0)
            by_key[key] = by_key.get(key, 0.0) + float(lost or 0)
        people = sorted(by_person, key=lambda p: (-by_person[p], p))[:HEAT_PEOPLE]
        keys = sorted(by_key, key=lambda k: (-by_key[k], k))[:HEAT_CRITERIA]
        if len(by_person) > len(people) or len(by_key) > len(keys):
            out["note"] = (
                f"The {len(people)} of {len(by_person):,} freelancers who lose the most points"
                f" and the {len(keys)} of {len(by_key)} criteria that cost the most; the CSV has every cell."
            )
        top = max([float(r[2] or 0) for r in rows] + [0.01])
        labels, names = chart.extra.get("labels", {}), chart.extra.get("names", {})
        plot_w = W - HEAT_L - 10
        cw, ch = plot_w / max(len(keys), 1), PLOT_H / max(len(people), 1)
        pi, ki = {p: i for i, p in enumerate(people)}, {k: i for i, k in enumerate(keys)}
        out.update(
            kind="heat",
            left=HEAT_L,
            x_title_x=HEAT_L + plot_w / 2,
            cells=[
                {
                    "x": round(HEAT_L + ki[r[1]] * cw, 1),
                    "y": round(PAD_T + pi[r[0]] * ch, 1),
                    "w": round(cw - 1, 1),
                    "h": round(ch - 1, 1),
                    "opacity": round(0.1 + 0.9 * float(r[2] or 0) / top, 2),
                    "title": _("%(name)s · %(criterion)s: %(lost)s points lost")
                    % {"name": names.get(r[0], r[0]), "criterion": labels.get(r[1], r[1]), "lost": r[2]},
                }
                for r in rows
                if r[0] in pi and r[1] in ki
            ],
            rows_labels=[
                {
                    "y": round(PAD_T + i * ch + ch / 2, 1),
                    "text": _cut(names.get(p, p), NAME_CHARS),
                    "full": names.get(p, p),
                }
                for i, p in enumerate(people)
            ],
            col_labels=[
                {"x": round(HEAT_L + i * cw + cw / 2, 1), "text": str(i + 1), "full": labels.get(k, k)}
                for i, k in enumerate(keys)
            ],
            criteria=[{"number": i + 1, "label": labels.get(k, k), "key": k} for i, k in enumerate(keys)],
        )
    return out
