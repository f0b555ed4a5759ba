"""The scanner: discover files -> prefilter bytes -> decode -> analyse (codemods) -> report or write.

One module per step: ``config`` ([tool.flexmigrate]), ``discover`` (which files), ``prefilter``
(cheap byte test from the catalog's tokens), ``source`` (bytes <-> text without losing a byte),
``writer`` (atomic writes) and ``pipeline`` (the loop over files).  What is found and fixed in one
file is decided by ``flexmigrate.codemods.fixer``; the subcommands are in ``flexmigrate.commands.scan``.
"""
