"""Reference data: provinces (63 and 34), ministries, regions, lineage, evaluation years, name variants."""
