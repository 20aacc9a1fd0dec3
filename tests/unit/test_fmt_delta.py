"""Deltas handed to st.metric: Streamlit reads a leading ASCII '-' to draw a down arrow in red."""

from __future__ import annotations

from backend.published import fmt


def test_metric_delta_sign_is_ascii_for_streamlit() -> None:
    assert fmt.metric_delta(-0.25, "vi") == "-0,25"
    assert fmt.metric_delta(1.5, "en") == "+1.50"
    assert fmt.metric_delta(0.0, "vi") == "0,00"
    assert fmt.metric_delta(None, "vi") is None
    # the typographic minus stays in tables and text
    assert fmt.signed(-0.25, "vi") == "−0,25"


def test_rank_metric_delta() -> None:
    assert fmt.rank_metric_delta(3) == "+3"
    assert fmt.rank_metric_delta(-5) == "-5"
    assert fmt.rank_metric_delta(0) == "0"
    assert fmt.rank_metric_delta(float("nan")) is None
