"""The parts of the URL engine behind ``flexmigrate.codemods.urls``, in the order data flows through them.

- ``templates``: the catalog's old/new path pairs as segment-level changes (no path spelled in code).
- ``widen``: from a string token to the whole expression that builds its string.
- ``skeleton`` and ``reduce``: that expression as literal text with holes, every character placed.
- ``names``: what a bare name stands for (module constant, local assigned once, joined local list).
- ``match``: a skeleton against the templates: what changes, and why it is or is not proven.
- ``candidate``: the verdict on one match (rule code, fix kind, planned edits).
- ``sharing``: edits inside constants only when every use is rewritten the same way; groups that
  are fixed together.
- ``fallback``: retired URLs in the ``except``/``else`` branch of a ``try`` that calls Flex.
"""
