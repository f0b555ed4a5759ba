"""Write a file atomically: a reader sees the old bytes or the new bytes, never half of each."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path``'s content with ``data``, keeping its permission bits and ownership.

    The new bytes go to a temporary file in the same folder (same file system), are flushed to
    disk, and are renamed over the original; on any error the temporary file is removed and the
    original is untouched.
    """
    if path.is_symlink():  # the caller resolves links; replacing one by a file would lose it
        raise OSError(f"{path} is a symbolic link; write to its target")
    info = path.stat()
    mode = stat.S_IMODE(info.st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".flexmigrate", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(tmp, info.st_uid, info.st_gid)
            except PermissionError:  # not ours to give away: the new file keeps the writer's ownership
                pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
