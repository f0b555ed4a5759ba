"""Atlas's error body (``ApiError``: ``error``, ``detail``, ``reason``, ``errorCode``, ``parameters``).

Every refusal the sandbox makes goes through :func:`api_error`, with the code and text taken from
``sandbox.json`` ``errors`` so that the catalog stays the one place such facts are spelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flexmigrate.sandbox.facts import facts

__all__ = ["ApiError", "api_error", "error_body"]


@dataclass
class ApiError(Exception):
    """An answer that is an Atlas error; raised inside handlers, rendered by the app."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def error_body(spec: Mapping[str, Any], parameters: list[Any], **values: Any) -> dict[str, Any]:
    f = facts().fields("error")
    return {
        f["detail"]: spec["detail"].format(**values),
        f["status"]: spec["status"],
        f["code"]: spec["errorCode"],
        f["parameters"]: parameters,
        f["reason"]: spec["reason"],
    }


def api_error(
    name: str, *parameters: Any, headers: Mapping[str, str] | None = None, **values: Any
) -> ApiError:
    """The named error of ``sandbox.json`` with its message filled from ``values``."""
    spec = facts().error(name)
    return ApiError(spec["status"], error_body(spec, list(parameters), **values), dict(headers or {}))
