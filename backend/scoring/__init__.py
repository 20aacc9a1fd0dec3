"""Scoring engine: pure, vectorised functions (DataFrames / arrays in, DataFrames / arrays out, no I/O).

* :mod:`backend.scoring.answers`     survey answers as a form × item matrix (:class:`SurveyAnswers`)
* :mod:`backend.scoring.sipas`       SIPAS item / content / element / area / overall indices, national
* :mod:`backend.scoring.par`         PAR INDEX leaf points → areas, blocks, groupings, total, index
* :mod:`backend.scoring.par_survey`  PAR INDEX officials' survey: plan, answer weights, survey leaf points
* :mod:`backend.scoring.precision`   declared precision: exact decision keys, half-up rounding
* :mod:`backend.scoring.ranking`     the one rank (tie rule, precision), groups, averages
* :mod:`backend.scoring.uncertainty` seeded cluster bootstrap, percentile and rank intervals, overlaps
* :mod:`backend.scoring.rows`        result-row assembly: stored values, ranks, groups, intervals, averages
* :mod:`backend.scoring.summary`     the standard yearly summary (:func:`standard_summary`)

Every formula is stated in its module's docstring with its source (docs/methodology.md) and the
framework setting it reads. Values are computed at the framework's declared ``precision``
(``compute_decimals``: leaf points and SIPAS figures rounded half-up before they are aggregated); ranks and
groups are decided on exact decision keys at the declared decision precision; printing rounds further.
"""

from backend.scoring.answers import SurveyAnswers
from backend.scoring.par import ParResult, component_index, metric_matrix, par_replicates, par_table, score_par
from backend.scoring.ranking import assign_grades, group_means, mean_of_units, rank_series, ranks
from backend.scoring.sipas import SipasResult, build_plan, score_sipas, sipas_replicates
from backend.scoring.summary import standard_summary
from backend.scoring.uncertainty import overlap_flags, percentile_interval, rank_interval

__all__ = [
    "ParResult",
    "SipasResult",
    "SurveyAnswers",
    "assign_grades",
    "build_plan",
    "component_index",
    "group_means",
    "mean_of_units",
    "metric_matrix",
    "overlap_flags",
    "par_replicates",
    "par_table",
    "percentile_interval",
    "rank_interval",
    "rank_series",
    "ranks",
    "score_par",
    "score_sipas",
    "sipas_replicates",
    "standard_summary",
]
