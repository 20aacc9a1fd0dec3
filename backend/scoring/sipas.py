"""SIPAS: satisfaction indices per province and nationally (methodology.md §3.3; framework settings).

Formula (every figure in %):

* item index = 100 × (valid answers in the positive categories) / (valid answers), per province;
  a valid answer is a non-empty answer; the positive categories are the framework setting
  ``positive_categories`` (working assumption: 4 and 5, "hài lòng" and "rất hài lòng");
* node index (policy group ``SIPAS.policy.P3``, policy content across groups
  ``SIPAS.policy.content.C2``, policy area, service element, services area), by the framework setting
  ``node_aggregation``: ``pooled`` = the item formula over all valid answers of the node's items;
  ``mean_of_children`` = mean of the item indices (contents, groups, elements) or of the group /
  element indices (areas);
* overall ``SIPAS``, by ``overall_method``: ``item`` = the item index of the general question
  (``OVERALL``); ``mean_of_areas`` = mean of the policy and services indices;
* national: ``mean_of_units`` = mean of the provinces' indices; ``pooled`` = the province formulas over
  all answers of the country. Both are computed; ``national_method`` says which is published.

Exact at the declared precision (framework setting ``precision``, :mod:`backend.scoring.precision`): when
the plan carries ``decimals`` (the framework's ``compute_decimals``), every figure is rounded half-up at
that precision as it is computed, so a mean of children averages the rounded children, and the figures
stored, ranked, graded and fed to the PAR INDEX are the same numbers.

Everything is computed from positive/valid counts, so the same code evaluates point estimates
(provinces × items) and bootstrap replicates (replicates × provinces × items).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from backend import metrics as m
from backend.frameworks.spec import SipasSpec
from backend.scoring.answers import SurveyAnswers, group_sums
from backend.scoring.precision import round_half_up
from backend.scoring.ranking import mean_present
from backend.scoring.uncertainty import STREAM_SIPAS, rng_for, weighted_unit_sums


@dataclass(frozen=True)
class MetricNode:
    """How one metric is computed: ``item`` (one item), ``pooled`` (over ``items``) or ``mean`` (of the
    metrics at positions ``children``, which come earlier in the plan)."""

    metric: str
    kind: str
    items: tuple[int, ...] = ()
    children: tuple[int, ...] = ()


@dataclass(frozen=True)
class SipasPlan:
    """The metrics of one SIPAS year, in evaluation order (items first), and the settings they use
    (``decimals``: figures rounded half-up at this precision; None = unrounded)."""

    items: tuple[str, ...]
    nodes: tuple[MetricNode, ...]
    positive: tuple[int, ...]
    national_method: str
    main: str = m.SIPAS
    decimals: int | None = None

    def rounded(self, values: np.ndarray) -> np.ndarray:
        """``values`` at the plan's precision (unchanged when it has none)."""
        return values if self.decimals is None else round_half_up(values, self.decimals)

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(node.metric for node in self.nodes)

    def position(self, metric: str) -> int:
        return self.metrics.index(metric)

    @property
    def node_metrics(self) -> tuple[str, ...]:
        """The metrics above item level (areas, groups, contents, elements, overall)."""
        return tuple(node.metric for node in self.nodes if node.kind != "item")


def build_plan(spec: SipasSpec, year: int, decimals: int | None = None) -> SipasPlan:
    """The metrics for ``year`` (policy groups and service elements valid that year) from the framework;
    ``decimals``: the framework's ``precision.compute_decimals`` (None: unrounded figures)."""
    items = spec.items_for_year(year)
    codes = tuple(item.code for item in items)
    nodes: list[MetricNode] = [MetricNode(m.sipas_item(code), "item", (k,)) for k, code in enumerate(codes)]
    pooled = spec.node_aggregation == "pooled"

    def add(metric: str, members: list[int], children: list[int]) -> int:
        if pooled or not children:
            nodes.append(MetricNode(metric, "pooled", tuple(members)))
        else:
            nodes.append(MetricNode(metric, "mean", tuple(members), tuple(children)))
        return len(nodes) - 1

    def members(area: str, group: str | None = None, content: str | None = None) -> list[int]:
        return [
            k
            for k, item in enumerate(items)
            if item.area == area
            and (group is None or item.group == group)
            and (content is None or item.content == content)
        ]

    groups = [g for g in spec.policy_groups if g.in_year(year)]
    group_pos = [
        add(m.sipas_policy_group(g.code), members("policy", group=g.code), members("policy", group=g.code))
        for g in groups
    ]
    for c in spec.policy_contents:
        add(m.sipas_policy_content(c.code), members("policy", content=c.code), members("policy", content=c.code))
    policy_pos = add(m.SIPAS_POLICY, members("policy"), group_pos)
    elements = [e for e in spec.service_elements if e.in_year(year)]
    element_pos = [
        add(m.sipas_service_element(e.code), members("services", group=e.code), members("services", group=e.code))
        for e in elements
    ]
    services_pos = add(m.SIPAS_SERVICES, members("services"), element_pos)
    if spec.overall_method == "item":
        k = codes.index(spec.overall_item)
        nodes.append(MetricNode(m.SIPAS, "pooled", (k,)))
    else:
        nodes.append(MetricNode(m.SIPAS, "mean", (), (policy_pos, services_pos)))
    return SipasPlan(codes, tuple(nodes), spec.positive_categories, spec.national_method, decimals=decimals)


def evaluate(plan: SipasPlan, positive: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """All metrics of ``plan`` from counts of shape (..., items); returns (..., metrics), NaN where no
    valid answer, each rounded at the plan's precision as it is computed (so means average rounded
    children). Pure arithmetic, vectorised over the leading dimensions (units, replicates)."""
    positive = np.asarray(positive, dtype=float)
    valid = np.asarray(valid, dtype=float)
    out = np.full((*positive.shape[:-1], len(plan.nodes)), np.nan)
    for j, node in enumerate(plan.nodes):
        if node.kind in ("item", "pooled"):
            idx = list(node.items)
            p = positive[..., idx].sum(axis=-1)
            v = valid[..., idx].sum(axis=-1)
            out[..., j] = plan.rounded(np.divide(100.0 * p, v, out=np.full_like(p, np.nan), where=v > 0))
        else:
            out[..., j] = plan.rounded(mean_present(out[..., list(node.children)], axis=-1))
    return out


@dataclass(frozen=True)
class ClusterCounts:
    """Positive and valid answer counts per sampled village (the bootstrap cluster) and item.

    Clusters are sorted by unit, then commune, then village; ``unit_index[c]`` points into ``units``
    and ``commune_index[c]`` numbers the communes (unique across units).
    """

    items: tuple[str, ...]
    units: tuple[object, ...]
    unit_index: np.ndarray
    commune_index: np.ndarray
    positive: np.ndarray
    valid: np.ndarray
    forms: np.ndarray

    def unit_sums(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(positive, valid, forms) summed per unit, shape (units, items) / (units,)."""
        n = len(self.units)
        pos = group_sums(self.unit_index, self.positive.astype(float), n)
        val = group_sums(self.unit_index, self.valid.astype(float), n)
        forms = np.bincount(self.unit_index, weights=self.forms, minlength=n)
        return pos, val, forms


def _cluster_keys(forms: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Commune and village keys; a form without village is its own cluster (and commune)."""
    own = "~form:" + forms["form"].astype(str)
    village = forms["village"].astype(object).where(forms["village"].notna(), own)
    commune = forms["commune"].astype(object).where(forms["commune"].notna(), "~" + village.astype(str))
    return commune.astype(str), village.astype(str)


def cluster_counts(data: SurveyAnswers, positive: tuple[int, ...]) -> ClusterCounts:
    """Count valid and positive answers per village (unit, commune, village) and item.

    Forms without commune/village codes are each their own cluster.
    """
    forms = data.forms
    commune, village = _cluster_keys(forms)
    keys = pd.DataFrame(
        {"unit": forms["unit"].to_numpy(), "commune": commune.to_numpy(), "village": village.to_numpy()}
    )
    cluster = keys.groupby(["unit", "commune", "village"], sort=True).ngroup().to_numpy()
    n_clusters = int(cluster.max()) + 1 if len(cluster) else 0
    order = np.argsort(cluster, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(cluster[order]) != 0]) if len(order) else np.array([], dtype=int)
    values = data.values[order]
    is_valid = values != 0
    is_pos = np.isin(values, np.asarray(positive, dtype=values.dtype))
    if len(order):
        pos = np.add.reduceat(is_pos.astype(np.int64), starts, axis=0)
        val = np.add.reduceat(is_valid.astype(np.int64), starts, axis=0)
    else:
        pos = val = np.zeros((0, len(data.items)), dtype=np.int64)
    first = keys.iloc[order[starts]] if len(order) else keys.iloc[:0]
    unit_codes, units = pd.factorize(first["unit"], sort=True)
    communes = pd.factorize(first["unit"].astype(str) + "\x1f" + first["commune"])[0]
    return ClusterCounts(
        items=data.items,
        units=tuple(units),
        unit_index=np.asarray(unit_codes),
        commune_index=np.asarray(communes),
        positive=pos,
        valid=val,
        forms=np.bincount(cluster, minlength=n_clusters).astype(float),
    )


@dataclass(frozen=True)
class SipasResult:
    """Point estimates: ``units`` (index unit, one column per metric, %), ``n_forms`` (valid forms per
    unit), ``national`` (index metric; columns ``mean_of_units``, ``pooled``, ``published``)."""

    plan: SipasPlan
    counts: ClusterCounts
    units: pd.DataFrame
    n_forms: pd.Series
    national: pd.DataFrame

    def for_units(self, units: pd.Index) -> SipasResult:
        """The same result with one row per unit of ``units`` (NaN figures and 0 forms where a unit has no
        forms); :func:`sipas_replicates` follows this order."""
        return replace(self, units=self.units.reindex(units), n_forms=self.n_forms.reindex(units).fillna(0).astype(int))


def national_estimates(plan: SipasPlan, counts: ClusterCounts, unit_values: np.ndarray) -> pd.DataFrame:
    """National figure per metric as the mean of the units and as the pooled estimate (all answers), at
    the plan's precision."""
    mean_of_units = plan.rounded(mean_present(unit_values, axis=0))
    pooled = evaluate(plan, counts.positive.sum(axis=0), counts.valid.sum(axis=0))
    frame = pd.DataFrame(
        {"mean_of_units": mean_of_units, "pooled": pooled}, index=pd.Index(plan.metrics, name="metric")
    )
    frame["published"] = frame[plan.national_method]
    return frame


def score_sipas(data: SurveyAnswers, spec: SipasSpec, year: int, *, decimals: int | None = None) -> SipasResult:
    """SIPAS indices of every unit with forms in ``data`` and nationally, for ``year``; ``decimals``: the
    framework's ``precision.compute_decimals`` (every figure rounded half-up there; None = unrounded)."""
    plan = build_plan(spec, year, decimals)
    if data.items != plan.items:
        data = align_items(data, plan.items)
    counts = cluster_counts(data, plan.positive)
    pos, val, forms = counts.unit_sums()
    values = evaluate(plan, pos, val)
    index = pd.Index(list(counts.units), name="unit")
    units = pd.DataFrame(values, index=index, columns=list(plan.metrics))
    return SipasResult(
        plan=plan,
        counts=counts,
        units=units,
        n_forms=pd.Series(forms.astype(int), index=index, name="n"),
        national=national_estimates(plan, counts, values),
    )


def align_items(data: SurveyAnswers, items: tuple[str, ...]) -> SurveyAnswers:
    """The answers re-ordered to ``items``; an item with no column gets no answers."""
    matrix = np.zeros((len(data.forms), len(items)), dtype=data.values.dtype)
    for k, code in enumerate(items):
        if code in data.items:
            matrix[:, k] = data.values[:, data.items.index(code)]
    return SurveyAnswers(data.forms, items, matrix)


@dataclass(frozen=True)
class SipasReplicates:
    """Bootstrap replicates: ``units`` (replicates, units, metrics) and the national estimates
    ``mean_of_units`` / ``pooled`` (replicates, metrics)."""

    units: np.ndarray
    mean_of_units: np.ndarray
    pooled: np.ndarray

    def national(self, method: str) -> np.ndarray:
        return self.mean_of_units if method == "mean_of_units" else self.pooled


def sipas_replicates(result: SipasResult, replicates: int, seed: int) -> SipasReplicates:
    """Cluster bootstrap of every SIPAS metric (villages within communes within provinces; see
    backend/scoring/uncertainty.py), ``replicates`` times, seeded. Units in the order of ``result.units``
    (NaN for a unit without forms, see :meth:`SipasResult.for_units`)."""
    counts = result.counts
    pos, val = weighted_unit_sums(
        counts.unit_index,
        counts.commune_index,
        [counts.positive.astype(float), counts.valid.astype(float)],
        len(counts.units),
        replicates,
        rng_for(seed, STREAM_SIPAS),
    )
    unit_values = evaluate(result.plan, pos, val)
    mean_of_units = result.plan.rounded(mean_present(unit_values, axis=1))
    pooled = evaluate(result.plan, pos.sum(axis=1), val.sum(axis=1))
    position = pd.Index(list(counts.units)).get_indexer(result.units.index)
    aligned = np.full((replicates, len(position), unit_values.shape[2]), np.nan)
    aligned[:, position >= 0, :] = unit_values[:, position[position >= 0], :]
    return SipasReplicates(aligned, mean_of_units, pooled)
