"""Self-assessment: a unit officer scores its unit's criteria (tree by area, with maxima and guidance), attaches
evidence, saves drafts, follows its progress and submits before the deadline; after the preliminary appraisal
it explains each adjusted criterion. Others who may read assessments see every unit's, read-only."""

from __future__ import annotations

import streamlit as st

from backend.errors import DomainError
from backend.services.assessment import ScoreEntry
from dashboards import internal_access as ia
from dashboards.internal_pages.common import lang, local, require_actor, show_error, t

UPLOAD_TYPES = ["pdf", "docx", "xlsx", "png", "jpg", "jpeg"]

actor = require_actor()
st.title(t("staff.assess.title"))
try:
    listing = ia.assessments(actor)
except DomainError as exc:
    show_error(exc)
    st.stop()
if listing.empty:
    st.info(t("staff.assess.none"))
    st.stop()
name = "name_vi" if lang() == "vi" else "name_en"
choice = st.selectbox(
    t("staff.assess.choose"),
    listing["id"].tolist(),
    format_func=lambda i: "{} {} — {} ({}/{})".format(
        *listing.loc[listing["id"] == i, [name, "year", "status", "done", "total"]].iloc[0]
    ),
    key="assessment_id",
)
view = ia.assessment_view(actor, int(choice))
st.subheader(f"{view.name_vi if lang() == 'vi' else view.name_en} — {view.year}")
st.caption(
    t(
        "staff.assess.header",
        status=t(f"staff.assess.status.{view.status}"),
        submit=local(view.submit_deadline),
        explain=local(view.explain_deadline),
    )
)
st.progress(
    view.done / view.total if view.total else 0.0, text=t("staff.assess.progress", done=view.done, total=view.total)
)
editing = view.status == "draft" and actor.can_for("self_assess", view.unit)
explaining = view.status == "preliminary" and actor.can_for("explain", view.unit)
tree = view.tree

entries: list[ScoreEntry] = []
texts: dict[str, str] = {}
for area, part in tree.groupby("area", sort=False):
    with st.expander(f"{area}. {part[f'area_name_{lang()}'].iloc[0]}", expanded=editing or explaining):
        for row in part.itertuples():
            st.markdown(
                f"**{row.code}. {getattr(row, f'name_{lang()}')}** — {t('staff.assess.max', max=row.max_points)}"
            )
            if getattr(row, f"guidance_{lang()}"):
                st.caption(getattr(row, f"guidance_{lang()}"))
            if editing:
                score = st.number_input(
                    t("staff.assess.score"),
                    min_value=0.0,
                    max_value=float(row.max_points or 0.0),
                    value=None if row.self_score != row.self_score or row.self_score is None else float(row.self_score),
                    step=0.25,
                    key=f"score_{row.code}",
                )
                note = st.text_area(
                    t("staff.assess.note"), value=row.self_comment, key=f"note_{row.code}", max_chars=2000
                )
                entries.append(ScoreEntry(str(row.code), score, note))
            else:
                st.write(
                    t("staff.assess.scored", score=row.self_score, evidence=row.evidence, note=row.self_comment or "—")
                )
            if row.preliminary_score is not None and row.preliminary_score == row.preliminary_score:
                st.write(t("staff.assess.prelim", score=row.preliminary_score, reason=row.preliminary_reason or "—"))
            if explaining and row.adjusted:
                texts[str(row.code)] = st.text_area(
                    t("staff.assess.explanation"), value=row.explanation, key=f"explain_{row.code}", max_chars=2000
                )
            elif row.explanation:
                st.write(t("staff.assess.explained", text=row.explanation))
            if row.appraisal_score is not None and row.appraisal_score == row.appraisal_score:
                st.write(t("staff.assess.final", score=row.appraisal_score, reason=row.appraisal_comment or "—"))

if not view.evidence.empty:
    st.subheader(t("staff.assess.evidence"))
    files = view.evidence
    st.dataframe(
        files[["code", "title", "original_name", "file_kind", "size_bytes", "stage", "location"]],
        hide_index=True,
        width="stretch",
    )
    stored = files[files["file_kind"].notna()]
    if not stored.empty:
        pick = st.selectbox(
            t("staff.assess.pick_file"),
            stored["id"].tolist(),
            key="evidence_pick",
            format_func=lambda i: str(stored.loc[stored["id"] == i, "original_name"].iloc[0]),
        )
        item = (
            ia.download_evidence(actor, int(pick)) if st.button(t("staff.assess.fetch"), key="evidence_fetch") else None
        )
        if item is not None:
            st.download_button(
                t("staff.assess.download"),
                data=item.data,
                file_name=item.name,
                mime=item.mime,
                icon=":material/download:",
                key="evidence_download",
            )

if editing or explaining:
    st.subheader(t("staff.assess.upload"))
    codes = tree["code"].tolist() if editing else tree.loc[tree["adjusted"], "code"].tolist()
    target = st.selectbox(t("staff.assess.for_criterion"), codes, key="upload_code")
    title = st.text_input(t("staff.assess.doc_title"), key="upload_title", max_chars=200)
    upload = st.file_uploader(t("staff.assess.file"), type=UPLOAD_TYPES, key="upload_file")
    if upload is not None and st.button(t("staff.assess.attach"), key="upload_go", icon=":material/attach_file:"):
        score_id = int(tree.loc[tree["code"] == target, "score_id"].iloc[0])
        try:
            ia.upload_evidence(
                actor, score_id, upload.name, upload.getvalue(), title, "self" if editing else "explanation"
            )
        except DomainError as exc:
            show_error(exc)
        else:
            st.rerun()

left, right = st.columns(2)
try:
    if editing and left.button(t("staff.assess.save"), key="save_draft", icon=":material/save:"):
        ia.save_draft(actor, view.id, entries, view.lock_version)
        st.rerun()
    if editing and right.button(t("staff.assess.submit"), key="submit", type="primary", icon=":material/send:"):
        ia.save_draft(actor, view.id, entries, view.lock_version)
        ia.submit(actor, view.id, view.lock_version + 1)
        st.rerun()
    if explaining and left.button(t("staff.assess.save_explanation"), key="save_explanation", icon=":material/save:"):
        ia.explain(actor, view.id, texts, False, view.lock_version)
        st.rerun()
    if explaining and right.button(t("staff.assess.send_explanation"), key="send_explanation", type="primary"):
        ia.explain(actor, view.id, texts, True, view.lock_version)
        st.rerun()
except DomainError as exc:
    show_error(exc)
