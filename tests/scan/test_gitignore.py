"""Discovery honours git's ignore rules: nested .gitignore files, negations, .git/info/exclude, the
global excludes file; real folders on disk."""

from __future__ import annotations

from pathlib import Path

from flexmigrate.cli import main
from flexmigrate.scan.discover import discover

CALL = 'requests.get(f"{B}/groups/{g}/clusters/{c}/backup/tenant/snapshots")\n'


def _tree(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, "utf-8")


def _found(root: Path, **kw) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in discover([root], wanted=lambda n: n.endswith(".py"), **kw).files
    )


def test_nested_gitignores_and_negations(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    repo = tmp_path / "repo"
    _tree(
        repo,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            ".git/info/exclude": "local_only.py\n",
            ".gitignore": "vendor/\n*_gen.py\n",
            "app.py": CALL,
            "local_only.py": CALL,
            "vendor/lib.py": CALL,
            "api_gen.py": CALL,
            "src/.gitignore": "!keep_gen.py\nscratch/\n",
            "src/keep_gen.py": CALL,
            "src/drop_gen.py": CALL,
            "src/scratch/try.py": CALL,
            "src/mod.py": CALL,
        },
    )
    assert _found(repo) == ["app.py", "src/keep_gen.py", "src/mod.py"]
    # Walking a subfolder still applies the root's rules (and the repository's info/exclude).
    assert _found(repo / "src") == ["keep_gen.py", "mod.py"]
    everything = _found(repo, respect_gitignore=False)
    assert "vendor/lib.py" in everything and "local_only.py" in everything


def test_the_global_excludes_file(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    _tree(home, {".config/git/ignore": "*.local.py\n"})
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    repo = tmp_path / "repo"
    _tree(repo, {".git/HEAD": "x\n", "a.py": CALL, "b.local.py": CALL})
    assert _found(repo) == ["a.py"]


def test_the_command_line_switch_and_a_file_given_by_name(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    repo = tmp_path / "repo"
    _tree(repo, {".git/HEAD": "x\n", ".gitignore": "gen/\n", "gen/client.py": CALL, "app.py": "x = 1\n"})
    assert main(["scan", "--isolated", str(repo)]) == 0
    assert main(["scan", "--isolated", "--no-respect-gitignore", str(repo)]) == 1
    assert main(["scan", "--isolated", str(repo / "gen" / "client.py")]) == 1, (
        "a file named is always looked at"
    )
    capsys.readouterr()
