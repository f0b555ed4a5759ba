"""``flexmigrate check``: prove live that the Flex endpoints return what the retired tenant endpoints returned.

The pipeline, one module per step, data flowing one way::

    targets (ids, discovery, sampling) -> fetch (transport, auth, rate limit) -> normalise -> compare
        -> verdicts -> report (flexmigrate.report.check_*)

Nothing here imports :mod:`flexmigrate.sandbox`: the checker meets any server, the sandbox included,
only over HTTP.  Every path, version and field name comes from :mod:`flexmigrate.catalog`.
"""
