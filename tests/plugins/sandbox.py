"""pytest fixtures that start the Atlas sandbox on a free loopback port.

``sandbox`` is one default sandbox for the whole session, except that rate limiting is off: the whole
suite shares it, and a session's worth of requests would otherwise empty its buckets (100 per minute per
project and family) and make unrelated tests fail by order.  Tests must not change its data (create jobs
in a ``sandbox_factory`` sandbox instead).  ``sandbox_factory(**overrides)`` starts a sandbox with
:class:`~flexmigrate.sandbox.SandboxConfig` overrides (rate limits included, unless overridden) and stops
it when the test ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from flexmigrate.sandbox import RunningSandbox, SandboxConfig, serve_in_background


@pytest.fixture(scope="session")
def sandbox() -> Iterator[RunningSandbox]:
    with serve_in_background(SandboxConfig(rate_limit_scale=0)) as running:
        yield running


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., RunningSandbox]]:
    with contextlib.ExitStack() as stack:

        def start(**overrides: Any) -> RunningSandbox:
            config = SandboxConfig().replace(**overrides)
            return stack.enter_context(serve_in_background(config))

        yield start
