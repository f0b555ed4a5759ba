"""Checks that keep the endpoint catalog (flexmigrate/catalog) from drifting from the facts.

* test_catalog_loader: invariants of the shipped data and the loader (runs everywhere).
* test_catalog_against_spec: every fact against the official OpenAPI excerpts in ../shared.
* test_catalog_against_research: the catalog is a faithful copy of ../shared/atlas-endpoints.json.
"""
