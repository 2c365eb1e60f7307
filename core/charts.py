"""The weekly digest's chart: requests per day, and response time against the target."""

from __future__ import annotations

import io

from core.digests import DayPoint


def weekly_chart(
    days: list[DayPoint],
    target_days: float | None,
    labels: dict[str, str],
    day_names: list[str] | None = None,
) -> bytes:
    """A PNG: bars = requests per day (left axis), line = average response time in days
    (right axis), dashed = the target. `labels` carries the translated texts and
    `day_names` the days as the reader writes them (one per day; else 02.03)."""
    # Imported here, not at start: matplotlib costs ~40 MB and a second of start-up,
    # and only the weekly digest needs it.
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    figure, left = plt.subplots(figsize=(8, 4.2), dpi=110)
    names = day_names or [d.day.strftime("%d.%m") for d in days]
    left.bar(names, [d.requests for d in days], color="#4C78A8", label=labels["requests"])
    left.set_ylabel(labels["requests"])
    left.set_title(labels["title"])
    right = left.twinx()
    right.plot(
        names,
        [
            d.average_response_days if d.average_response_days is not None else float("nan")
            for d in days
        ],
        color="#E45756",
        marker="o",
        label=labels["response"],
    )
    if target_days is not None:
        right.axhline(
            target_days, color="#E45756", linestyle="--", linewidth=1, label=labels["target"]
        )
    right.set_ylabel(labels["response"])
    right.set_ylim(bottom=0)
    left_handles, left_labels = left.get_legend_handles_labels()
    right_handles, right_labels = right.get_legend_handles_labels()
    # Below the plot, so it never hides a bar.
    left.legend(
        left_handles + right_handles,
        left_labels + right_labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
