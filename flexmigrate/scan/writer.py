"""Write a file atomically: a reader sees the old bytes or the new bytes, never half of each."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path``'s content with ``data``, keeping its permission bits.

    The new bytes go to a temporary file in the same folder (same file system), are flushed to
    disk, and are renamed over the original; on any error the temporary file is removed and the
    original is untouched.
    """
    mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".flexmigrate", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
