"""Charts drawn on the server as SVG: no chart library in the browser, nothing to download.

Only geometry lives here (where a point goes on the picture). The points themselves (a
job's progress series, its baseline and target) come from shared.services.promotions.
"""
from dataclasses import dataclass

WIDTH, HEIGHT = 320, 160  # the viewBox; the picture scales to its box (100% wide)
PAD_X, PAD_TOP, PAD_BOTTOM = 8, 12, 12


@dataclass(frozen=True)
class Line:
    """A horizontal guide: the baseline or the target, at `y`, labelled with `count`."""
    y: float
    count: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: str  # "x,y x,y ...": the polyline's points, oldest first
    dots: list[tuple[float, float, int]]  # (x, y, count) of each point, for its <title>
    baseline: Line
    target: Line
    empty: bool


def progress_chart(series, baseline: int, target: int) -> Chart:
    """The counts of `series` (SeriesPoint: at, count) over time, with the baseline and the
    target (baseline + target gain) as guides. Time runs left to right in both languages,
    as a chart's axis does in Arabic too."""
    counts = [point.count for point in series]
    low = min([baseline, *counts])
    high = max([target, *counts])
    span = (high - low) or 1
    inner_w, inner_h = WIDTH - 2 * PAD_X, HEIGHT - PAD_TOP - PAD_BOTTOM

    def y(count: int) -> float:
        return round(PAD_TOP + inner_h * (1 - (count - low) / span), 1)

    if series:
        start, end = series[0].at, series[-1].at
        length = (end - start).total_seconds()

        def x(at) -> float:
            if not length:  # one point, or all seen at once: spread them evenly
                return None
            return round(PAD_X + inner_w * (at - start).total_seconds() / length, 1)

        xs = [x(point.at) for point in series]
        if xs and xs[0] is None:
            step = inner_w / max(1, len(series) - 1)
            xs = [round(PAD_X + step * n, 1) if len(series) > 1 else WIDTH / 2 for n in range(len(series))]
        dots = [(px, y(point.count), point.count) for px, point in zip(xs, series)]
    else:
        dots = []
    return Chart(width=WIDTH, height=HEIGHT, points=" ".join(f"{px},{py}" for px, py, _ in dots),
                 dots=dots, baseline=Line(y(baseline), baseline), target=Line(y(target), target),
                 empty=not dots)
