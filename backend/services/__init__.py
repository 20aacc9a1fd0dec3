"""Use cases with authorisation: compute, workflow, publication, public queries, exports."""
