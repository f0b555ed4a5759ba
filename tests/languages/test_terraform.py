"""Terraform modules: before/after folders on disk, fixed through the scanner.

Each case is a module (a folder of ``.tf`` files) and the module expected after ``fix``, written by
hand in ``terraform fmt`` style.  For every case the output parses, a second fix changes nothing,
and fixing one file at a time, in either order, ends in the same module as fixing the folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flexmigrate.languages import hcl
from flexmigrate.scan.pipeline import ScanOptions, scan

FIX = ScanOptions(fix=True, write=True)

MAIN = """\
# Restore job lookups for the M2 clusters
data "mongodbatlas_shared_tier_restore_job" "last" {
  project_id   = var.project_id # the project
  cluster_name = var.cluster
  job_id       = var.job_id
}

data "mongodbatlas_shared_tier_restore_jobs" "all" {
  project_id   = var.project_id
  cluster_name = var.cluster
}
"""
MAIN_AFTER = """\
# Restore job lookups for the M2 clusters
data "mongodbatlas_flex_restore_job" "last" {
  project_id     = var.project_id # the project
  name           = var.cluster
  restore_job_id = var.job_id
}

data "mongodbatlas_flex_restore_jobs" "all" {
  project_id = var.project_id
  name       = var.cluster
}
"""
OUTPUTS = """\
output "url" {
  value = data.mongodbatlas_shared_tier_restore_job.last.snapshot_url
}
output "last_id" {
  value = "${data.mongodbatlas_shared_tier_restore_job.last.id}"
}
output "job_ids" {
  value = [for j in data.mongodbatlas_shared_tier_restore_jobs.all.results : j.job_id]
}
output "first" {
  value = data.mongodbatlas_shared_tier_restore_jobs.all.results[0].job_id
}
output "all_ids" {
  value = data.mongodbatlas_shared_tier_restore_jobs.all.results[*].job_id
}
resource "null_resource" "after" {
  depends_on = [data.mongodbatlas_shared_tier_restore_job.last]
}
"""
OUTPUTS_AFTER = """\
output "url" {
  value = data.mongodbatlas_flex_restore_job.last.snapshot_url
}
output "last_id" {
  value = "${data.mongodbatlas_flex_restore_job.last.restore_job_id}"
}
output "job_ids" {
  value = [for j in data.mongodbatlas_flex_restore_jobs.all.results : j.restore_job_id]
}
output "first" {
  value = data.mongodbatlas_flex_restore_jobs.all.results[0].restore_job_id
}
output "all_ids" {
  value = data.mongodbatlas_flex_restore_jobs.all.results[*].restore_job_id
}
resource "null_resource" "after" {
  depends_on = [data.mongodbatlas_flex_restore_job.last]
}
"""
SNAPSHOTS = """\
data "mongodbatlas_shared_tier_snapshot" "one" {
  project_id = var.p
  cluster_name = var.c
  snapshot_id = var.s
}

locals {
  snap = data.mongodbatlas_shared_tier_snapshot.one.id
  when = data.mongodbatlas_shared_tier_snapshot.one.finish_time
}
"""
SNAPSHOTS_AFTER = """\
data "mongodbatlas_flex_snapshot" "one" {
  project_id = var.p
  name = var.c
  snapshot_id = var.s
}

locals {
  snap = data.mongodbatlas_flex_snapshot.one.snapshot_id
  when = data.mongodbatlas_flex_snapshot.one.finish_time
}
"""
BLOCKED = """\
data "mongodbatlas_shared_tier_snapshots" "snaps" {
  project_id   = var.project_id
  cluster_name = var.cluster
}

output "count" {
  value = data.mongodbatlas_shared_tier_snapshots.snaps.total_count
}

output "ids" {
  value = data.mongodbatlas_shared_tier_snapshots.snaps.results[*].snapshot_id
}
"""
SUPPRESSED = OUTPUTS.replace("results[0].job_id", "results[0].job_id # flexmigrate: ignore")
SUPPRESSED_AFTER = SUPPRESSED.replace(
    "data.mongodbatlas_shared_tier_restore_job.", "data.mongodbatlas_flex_restore_job."
).replace("last.id}", "last.restore_job_id}")

CASES = {
    "restore-jobs-across-files": (
        {"main.tf": MAIN, "outputs.tf": OUTPUTS},
        {"main.tf": MAIN_AFTER, "outputs.tf": OUTPUTS_AFTER},
    ),
    "snapshot-id-equivalent-unaligned": ({"snap.tf": SNAPSHOTS}, {"snap.tf": SNAPSHOTS_AFTER}),
    "no-flex-twin-blocks-the-whole-data-source": ({"snaps.tf": BLOCKED}, {"snaps.tf": BLOCKED}),
    "already-migrated-declaration": (
        {"main.tf": MAIN_AFTER, "outputs.tf": OUTPUTS},
        {"main.tf": MAIN_AFTER, "outputs.tf": OUTPUTS_AFTER},
    ),
    # The ignore comment holds back "all" (in both files); "last" is migrated as usual.
    "suppressed-in-a-sibling-holds-back-the-module": (
        {"main.tf": MAIN, "outputs.tf": SUPPRESSED},
        {
            "main.tf": MAIN_AFTER.split("\n\n")[0] + "\n\n" + MAIN.split("\n\n")[1],
            "outputs.tf": SUPPRESSED_AFTER,
        },
    ),
    "unknown-argument": (
        {"x.tf": 'data "mongodbatlas_shared_tier_restore_jobs" "a" {\n  cluster_name = "c"\n  page = 2\n}\n'},
        {"x.tf": 'data "mongodbatlas_shared_tier_restore_jobs" "a" {\n  cluster_name = "c"\n  page = 2\n}\n'},
    ),
    "named-in-a-tf-json-sibling": (
        {
            "a.tf": SNAPSHOTS,
            "b.tf.json": '{"output": {"x": {"value": "${data.mongodbatlas_shared_tier_snapshot.one.id}"}}}\n',
        },
        {
            "a.tf": SNAPSHOTS,
            "b.tf.json": '{"output": {"x": {"value": "${data.mongodbatlas_shared_tier_snapshot.one.id}"}}}\n',
        },
    ),
    # An argument reads back as an attribute: it follows the argument's rename (a helper found
    # these left as job_id/cluster_name, which the Flex data source does not have).
    "arguments-read-back": (
        {
            "r.tf": 'data "mongodbatlas_shared_tier_restore_job" "j" {\n  job_id = "x"\n}\n\n'
            'output "a" {\n  value = [data.mongodbatlas_shared_tier_restore_job.j.job_id, '
            "data.mongodbatlas_shared_tier_restore_job.j.cluster_name]\n}\n"
        },
        {
            "r.tf": 'data "mongodbatlas_flex_restore_job" "j" {\n  restore_job_id = "x"\n}\n\n'
            'output "a" {\n  value = [data.mongodbatlas_flex_restore_job.j.restore_job_id, '
            "data.mongodbatlas_flex_restore_job.j.name]\n}\n"
        },
    ),
    "unknown-attribute-holds-back": (
        {
            "u.tf": 'data "mongodbatlas_shared_tier_snapshot" "s" {\n  snapshot_id = "x"\n}\n\n'
            'output "a" {\n  value = data.mongodbatlas_shared_tier_snapshot.s.made_up\n}\n'
        },
        {
            "u.tf": 'data "mongodbatlas_shared_tier_snapshot" "s" {\n  snapshot_id = "x"\n}\n\n'
            'output "a" {\n  value = data.mongodbatlas_shared_tier_snapshot.s.made_up\n}\n'
        },
    ),
    "declared-nowhere": (
        {"o.tf": 'output "u" {\n  value = data.mongodbatlas_shared_tier_restore_job.gone.status\n}\n'},
        {"o.tf": 'output "u" {\n  value = data.mongodbatlas_shared_tier_restore_job.gone.status\n}\n'},
    ),
}


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(content, "utf-8")


def _read(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_fix_gives_the_expected_module(tmp_path: Path, case: str) -> None:
    before, after = CASES[case]
    _write(tmp_path, before)
    result = scan([tmp_path], FIX)
    assert not result.errors
    assert _read(tmp_path) == after
    for name, content in after.items():
        if name.endswith(".tf"):
            assert hcl.syntax_problem(content.encode()) is None
    second = scan([tmp_path], FIX)
    assert not second.changed, "a second fix changes nothing"
    # What is left after a fix is only what needs a human: never a safe fix that was not applied.
    assert all(f.fix.value == "manual" for f in second.findings if f.language == "terraform")


@pytest.mark.parametrize("order", [("main.tf", "outputs.tf"), ("outputs.tf", "main.tf")])
def test_fixing_one_file_at_a_time_in_any_order_ends_the_same(tmp_path: Path, order) -> None:
    _write(tmp_path, {"main.tf": MAIN, "outputs.tf": OUTPUTS})
    for name in order:
        scan([tmp_path / name], FIX)
    assert _read(tmp_path) == {"main.tf": MAIN_AFTER, "outputs.tf": OUTPUTS_AFTER}


def test_a_blocked_data_source_names_what_blocks_it_in_every_file(tmp_path: Path) -> None:
    _write(tmp_path, {"snaps.tf": BLOCKED})
    findings = scan([tmp_path]).findings
    assert [(f.rule, f.line, f.fix.value) for f in findings] == [
        ("FM611", 1, "manual"),
        ("FM613", 7, "manual"),
        ("FM612", 11, "manual"),
    ]
    assert "total_count has no counterpart" in findings[1].message
    assert "held back: data.mongodbatlas_shared_tier_snapshots.snaps.total_count" in findings[0].message
    assert all(f.language == "terraform" and f.operation == "listClusterBackupSnapshots" for f in findings)


def test_near_misses_stay_quiet(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "dedicated.tf": 'data "mongodbatlas_cloud_backup_snapshot_restore_job" "r" {\n  project_id = var.p\n}\n',
            "azure.tf": 'provider "azurerm" {\n  tenant_id = var.tenant_id\n}\n',
            "flex.tf": 'data "mongodbatlas_flex_restore_job" "r" {\n  name = "c"\n}\n',
        },
    )
    result = scan([tmp_path])
    assert result.findings == [] and not result.errors


def test_a_syntax_error_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    broken = 'data "mongodbatlas_shared_tier_snapshot" "one" {\n  project_id = \n'
    _write(tmp_path, {"bad.tf": broken})
    result = scan([tmp_path], FIX)
    ((path, message),) = result.errors
    assert path.name == "bad.tf" and message.startswith("not valid HCL at line")
    assert (tmp_path / "bad.tf").read_text("utf-8") == broken


def test_a_retired_url_in_terraform_is_reported(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "http.tf": 'data "http" "restores" {\n  url = "${local.base}/groups/${var.g}/clusters/${var.c}/backup/tenant/restores"\n}\n'
        },
    )
    ((finding,),) = [scan([tmp_path]).findings]
    assert (finding.rule, finding.line, finding.language) == ("FM601", 2, "terraform")


@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][0] != CASES[c][1]])
def test_the_fixed_module_is_in_terraform_fmt_style(tmp_path: Path, case: str) -> None:
    """The real ``terraform fmt`` agrees with the fixer's alignment (skips where terraform is absent)."""
    import shutil
    import subprocess

    terraform = shutil.which("terraform") or shutil.which("tofu")
    if terraform is None:
        pytest.skip(
            "terraform (or tofu) is not installed; the alignment is then checked by the after files only"
        )
    before, _ = CASES[case]
    _write(tmp_path, before)
    unformatted = {
        name
        for name in before
        if name.endswith(".tf")
        and subprocess.run([terraform, "fmt", "-check", str(tmp_path / name)], capture_output=True).returncode
    }
    scan([tmp_path], FIX)
    for name in before:
        if name.endswith(".tf") and name not in unformatted:
            done = subprocess.run(
                [terraform, "fmt", "-check", "-diff", str(tmp_path / name)], capture_output=True, text=True
            )
            assert done.returncode == 0, done.stdout
