"""Chart geometry: scales, intervals, and graceful refusal of unexpected table shapes."""

from __future__ import annotations

import pytest

from tests.render.fixtures import full_audit
from tuneready.checks import spec_of, specs
from tuneready.render import charts


def test_nice_ticks_cover_the_range() -> None:
    assert charts.nice_ticks(0, 264, 4) == [0, 100, 200, 300]
    assert charts.nice_ticks(0, 0.083, 4) == [0.0, 0.05, 0.1]
    ticks = charts.nice_ticks(0.61, 0.93, 4)
    assert ticks[0] <= 0.61 and ticks[-1] >= 0.93


def test_bars_are_proportional_and_whiskers_drawn() -> None:
    chart = charts.hbars("k", "t", [charts.Bar("a", 10), charts.Bar("b", 5, lo=4, hi=8)])
    rects = [s for s in chart.shapes if s.tag == "rect"]
    assert rects[0].attrs["width"] == pytest.approx(2 * float(rects[1].attrs["width"]))
    whiskers = [s for s in chart.shapes if s.attrs.get("class") == "whisker"]
    assert len(whiskers) == 3                                 # only b has an interval
    assert "Highest: a at 10" in chart.desc


def test_too_many_bars_are_summarized() -> None:
    chart = charts.hbars("k", "t", [charts.Bar(str(i), i) for i in range(30)])
    assert len([s for s in chart.shapes if s.tag == "rect"]) == charts.MAX_BARS
    assert chart.note == "10 more not drawn"


def test_every_known_table_is_drawn() -> None:
    declared = specs()
    drawn = {(c.name, t) for c in full_audit().checks      # the kinds the audit saved
             for t in charts.charts_for(c.tables, c.chart_kinds)}
    assert drawn == {(n, t) for n, s in declared.items() for t in s.charts}
    groups = charts.charts_for(full_audit().check("bias").tables,  # type: ignore[union-attr]
                               dict(declared["bias"].charts))["groups"]
    assert [c.key for c in groups] == ["groups-region-error_rate", "groups-region-noise_rate",
                                       "groups-region-share"]


@pytest.mark.parametrize("check,table,rows", [
    ("size", "classes", [{"label": "a"}]),                      # no count
    ("label_noise", "by_class", [{"label": "a", "rate": "high"}]),
    ("domain", "learning_curve", [{"n": 10, "score": 0.5}]),    # one point
    ("schema", "token_histogram", [{"lo": 0, "count": 3}]),     # no hi
    ("duplicates", "clusters", [{"cluster": 1}]),
    ("domain", "coverage_gaps", [{"reference_row_id": 1, "input": "x"}]),
])
def test_unexpected_shapes_give_no_chart(check: str, table: str, rows: list) -> None:
    assert charts.charts_for({table: rows}, dict(spec_of(check).charts)) == {}


def test_only_whitelisted_svg_elements() -> None:
    with pytest.raises(ValueError):
        charts.Shape("script", {})
