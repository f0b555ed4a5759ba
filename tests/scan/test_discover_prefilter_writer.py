import os
import random
import stat

import pytest

from flexmigrate.catalog import load_catalog
from flexmigrate.scan.discover import discover
from flexmigrate.languages.prefilter import Prefilter, anchors
from flexmigrate.scan.writer import write_atomic


def test_discover_walks_python_files_and_skips_noise(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "b.pyi").write_text("x: int\n")
    (tmp_path / "pkg" / "notes.txt").write_text("tenant\n")
    for noise in (".venv", "node_modules", "__pycache__", ".git"):
        (tmp_path / noise).mkdir()
        (tmp_path / noise / "c.py").write_text("x = 1\n")
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "d.py").write_text("x = 1\n")
    found = discover([tmp_path], exclude=["gen"])
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == ["pkg/a.py", "pkg/b.pyi"]


def test_named_file_is_taken_once_and_missing_paths_reported(tmp_path):
    f = tmp_path / "script"
    f.write_text("x = 1\n")
    found = discover([f, f, tmp_path / "nope"])
    assert found.files == (f,) and found.missing == (tmp_path / "nope",)


def test_symlinked_folder_is_not_followed(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.py").write_text("x = 1\n")
    os.symlink(tmp_path / "real", tmp_path / "link")
    found = discover([tmp_path])
    assert [p.name for p in found.files] == ["a.py"]


def test_prefilter_catches_every_retired_path_and_skips_flex():
    catalog = load_catalog()
    pf = Prefilter(catalog.prefilter_tokens())
    for ep in catalog:
        assert pf.may_match(ep.old.path.encode())
        assert pf.may_match(ep.old.operation_id.encode())
        assert not pf.may_match(ep.new.path.encode()), ep.new.path
    assert not pf.may_match(b"requests.get(f'{BASE}/groups/{g}/clusters/{c}/backup/snapshots')")


def test_the_scanner_prefilter_confirms_a_segment_before_looking_closer():
    """The scanner's prefilter: anchors, then the token stage's own raw-text test."""
    from flexmigrate.languages.python import python_filters as _filters

    catalog = load_catalog()
    pf, _ = _filters(catalog)
    for ep in catalog:
        for text in (ep.old.path, f'u = f"{{B}}{ep.old.path}"', *ep.old.names):
            assert pf.may_match(text.encode()), text
        # A Flex path is looked at too: the request may be half migrated (rules.half_migrated).
        assert pf.may_match(f'u = "{ep.new.path}"'.encode()), ep.new.path
    for near_miss in (
        b"Maintenant",
        b"def f(tenant_id): pass",
        b"'/tenants/{t}'",
        b"getBackupTenantRestoreX",
    ):
        assert not pf.may_match(near_miss), near_miss
    assert pf.may_match(b'u = "/backup/\\x74enant/restores"'), "an escaped segment goes on to the token stage"


def test_anchors_cover_every_token():
    tokens = load_catalog().prefilter_tokens()
    chosen = anchors(tokens)
    assert all(any(a in t for a in chosen) for t in tokens)
    assert len(chosen) < len(tokens) / 4
    assert anchors([b"abcdef", b"xabcdefx", b"zzzzzz"], shortest=5) == (b"abcdef", b"zzzzzz")
    assert anchors([b"abc"]) == (b"abc",), "a token shorter than an anchor is its own anchor"


def _greedy_cover_by_brute_force(tokens: list[bytes], shortest: int) -> tuple[bytes, ...]:
    """The cover ``anchors`` promises, computed the slow way: count every substring of every
    uncovered token, take the most held (longest, then first in byte order), repeat."""
    chosen = sorted(t for t in set(tokens) if len(t) < shortest)
    uncovered = {t for t in set(tokens) if not any(a in t for a in chosen)}
    while uncovered:
        subs = {t[i:j] for t in uncovered for i in range(len(t)) for j in range(i + shortest, len(t) + 1)}
        best = max(sorted(subs), key=lambda sub: (sum(sub in t for t in uncovered), len(sub)))
        chosen.append(best)
        uncovered = {t for t in uncovered if best not in t}
    return tuple(a for a in chosen if not any(b != a and b in a for b in chosen))


def test_the_anchors_are_the_greedy_cover():
    """The fast search (it counts only substrings that can win) picks what counting all would."""
    rng = random.Random(8)
    cases = [sorted(load_catalog().prefilter_tokens())]
    cases += [
        [bytes(rng.choice(b"abcAB_") for _ in range(rng.randint(3, 20))) for _ in range(rng.randint(1, 12))]
        for _ in range(150)
    ]
    for tokens in cases:
        for shortest in (3, 5, 9):
            assert anchors(tokens, shortest) == _greedy_cover_by_brute_force(tokens, shortest), tokens


def test_the_anchors_skip_common_words():
    """With every wrapper name among the tokens, the anchors must still be rare in ordinary code:
    short ones like ``hared``/``ackup`` sent most of the standard library to the slow confirm step."""
    from flexmigrate.languages.python import python_filters

    pf, _ = python_filters(load_catalog())
    assert all(len(a) >= 9 or a == b"tenant" for a in pf.anchors), pf.anchors
    ordinary = b"shared memory, backup files, cluster nodes, snapshot of the restore queue"
    assert not any(a in ordinary for a in pf.anchors)


def test_prefilter_needs_tokens():
    with pytest.raises(ValueError):
        Prefilter([])


def test_write_atomic_replaces_content_and_keeps_mode(tmp_path):
    f = tmp_path / "m.py"
    f.write_bytes(b"old\r\n")
    os.chmod(f, 0o751)
    write_atomic(f, b"new\r\n")
    assert f.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o751
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_write_atomic_leaves_original_on_failure(tmp_path):
    f = tmp_path / "m.py"
    f.write_bytes(b"old\n")

    with pytest.raises(TypeError):
        write_atomic(f, "not bytes")  # type: ignore[arg-type]
    assert f.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_no_anchor_holds_another_and_short_tokens_come_first():
    """Redundant anchors each cost a scan of every file (an issue-8 profile: 9 anchors, 0.9 s of
    the ten-copy tree); ``_backup_tenant_`` is never needed beside ``tenant``."""
    chosen = anchors(
        [b"tenant", b"get_backup_tenant_restore", b"SharedTierRestoreJobsApi", b"sharedTierSnapshots"]
    )
    assert chosen[0] == b"tenant"
    assert not any(a != b and a in b for a in chosen for b in chosen)
    assert all(
        any(a in t for a in chosen) for t in (b"get_backup_tenant_restore", b"SharedTierRestoreJobsApi")
    )


def test_the_confirm_test_runs_around_anchors_and_agrees_with_a_whole_file_search():
    """The confirm regex runs only in windows around the anchors (it took 1.9 s over one
    generated Go tree when run over whole files); what it finds must not change."""
    from flexmigrate.languages.python import python_filters as _filters

    pf, candidates = _filters(load_catalog())
    whole = candidates.byte_pattern()
    filler = b"x = 'Maintenant tenant_id DataLakeTenant'\n" * 2000
    for text in (
        b"get_backup_tenant_restore_x = 1",
        b"call(getBackupTenantRestore)",
        b"u = '/backup/tenant/restores'",
        b"SharedTierRestoreJobsApiX",
        b"tenant" * 3,
    ):
        for data in (text, filler + text, text + filler, filler + text + filler):
            assert pf._confirmed(data) == (whole.search(data) is not None), (text, len(data))


def test_a_fifo_named_like_source_is_reported_not_read(tmp_path):
    """Opening a FIFO blocks until someone writes to it: the scan hung.  A FIFO, socket or device
    is named with a one-line reason (exit 2), in a folder, through a link, or given by name."""
    import subprocess
    import sys

    folder = tmp_path / "d"
    folder.mkdir()
    os.mkfifo(folder / "x.py")
    (folder / "link.py").symlink_to("x.py")
    (folder / "a.py").write_text("x = 1\n", "utf-8")
    for target in (folder, folder / "x.py"):
        done = subprocess.run(
            [sys.executable, "-m", "flexmigrate", "scan", "--isolated", str(target)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert "x.py: FM000 [error] not a regular file (a FIFO, socket or device): not read" in done.stdout
        if target == folder:
            assert "link.py: FM000 [error] not a regular file" in done.stdout, done.stdout


def test_a_worker_interrupted_while_starting_says_nothing(monkeypatch):
    """Ctrl-C while the workers build their filters printed a traceback from each of them; the
    run itself reports the interruption once."""
    from flexmigrate.scan import pipeline

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "warm_filters", interrupted)
    assert pipeline._start_worker() is None
