"""The dashboard's chart geometry: pure, standard library only, gaps for empty buckets."""

import ast
import sys
from pathlib import Path

import pytest

from common import charts


def test_charts_import_only_the_standard_library():
    tree = ast.parse(Path(charts.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert {name.split(".")[0] for name in imported} <= set(sys.stdlib_module_names)


def test_an_empty_bucket_breaks_the_line_and_the_scale_is_rounded():
    def bucket(label, value):
        return charts.TrendInput(label=label, value=value, low=None, high=None, n=40, small=False)

    chart = charts.trend_chart(
        [bucket("01", 10.0), bucket("02", 20.0), bucket("03", None), bucket("04", -5.0)], floor=-100.0, ceiling=100.0
    )
    assert [p.label for p in chart.points] == ["01", "02", "04"]
    assert len(chart.lines) == 2  # the empty bucket leaves a gap
    assert chart.zero_y is not None
    assert charts.nice_range([-5.0, 20.0], floor=-100.0, ceiling=100.0) == (-5.0, 20.0, 5)
    assert charts.bar_width(-3.0, largest=6.0) == pytest.approx(80.0)
    assert charts.bar_width(None, largest=6.0) == 0.0


def test_a_score_chart_can_span_its_whole_range():
    chart = charts.trend_chart(
        [charts.TrendInput(label="d", value=v, low=None, high=None, n=1, small=False) for v in (40.0, 45.0)],
        floor=0.0,
        ceiling=100.0,
        whole_range=True,
    )
    assert (chart.ticks[0].label, chart.ticks[-1].label) == ("0", "100")


def test_a_sparkline_scales_to_its_own_range_and_leaves_gaps():
    line = charts.sparkline([1.0, 3.0, None, 2.0, None, None], width=106, height=26, pad=3)
    assert (line.low, line.high, line.latest) == (1.0, 3.0, 2.0)
    assert line.lines == ["M3.0,23.0 L23.0,3.0", "M63.0,13.0 L63.0,13.0"]  # a lone day is a dot
    assert line.last == (63.0, 13.0)
    assert charts.sparkline([None, None]).lines == []
    flat = charts.sparkline([5.0, 5.0], width=100, height=20, pad=0)
    assert flat.lines == ["M0.0,10.0 L100.0,10.0"]
