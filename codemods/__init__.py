"""libcst codemod commands of this repository (not installed; see ``migrate_to_flex``)."""
