"""The scanner: discover files -> prefilter bytes -> decode -> analyse (codemods) -> report or write.

One module per step: ``discover`` (which files), ``prefilter`` (cheap byte test from the catalog's
tokens), ``source`` (bytes <-> text without losing a byte), ``suppress`` (per-line comments),
``edits`` (apply non-overlapping edits), ``writer`` (atomic writes), ``pipeline`` (the loop) and
``command`` (the ``scan`` and ``fix`` subcommands).
"""
