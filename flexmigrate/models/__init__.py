"""The models: plain data that every producer and renderer shares, and no pipeline behaviour.

``findings`` (a finding, its edits and fix kind), ``edits`` (applying edits to a text),
``scan_results`` (what a scan found per file), ``check_results`` (what the checker found per ID),
``fix_policy`` (which findings a run keeps and which fixes it applies) and ``exits`` (exit codes and
the usage error).  Nothing here imports a pipeline, an engine or a renderer.
"""
