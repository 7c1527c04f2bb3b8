"""The dashboard's chart geometry: pure, standard library only, gaps for empty buckets."""

import ast
import sys
from pathlib import Path

import pytest

from insights import charts


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
