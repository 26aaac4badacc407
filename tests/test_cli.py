"""The command line: outputs, exit codes, certificates written and checked."""

import errno
import importlib
import json
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from invariants.certificate import write_certificate
from invariants.cli import main
from invariants.errors import InvariantsError
from invariants.files import write_text_atomic
from tests.conftest import run


def test_generators(capsys):
    code, out, _ = run(capsys, "generators", "SO(3)", "p,q,r:vector; m:scalar")
    assert code == 0
    assert "[p,q,r]" in out and "p·q" in out and "m" in out


def test_generators_json_and_expand(capsys):
    code, out, _ = run(capsys, "generators", "O(1,3)", "p:vector", "--json")
    assert code == 0
    (g,) = json.loads(out)
    assert g["name"] == "p·p" and g["expression"] == "p_0**2 - p_1**2 - p_2**2 - p_3**2"
    code, out, _ = run(capsys, "generators", "SO(2)", "p,q:vector", "--expand")
    assert "p_0*q_1 - p_1*q_0" in out


def test_verify_table(capsys):
    code, out, _ = run(capsys, "verify", "SO(3)", "p,q,r:vector", "--degree", "6")
    assert code == 0
    assert "COMPLETE" in out and "INCOMPLETE" not in out
    assert "- [p,q,r]^2 = 0" in out  # the bracket relation at degree 6


def test_verify_json(capsys):
    code, out, _ = run(
        capsys,
        "verify",
        "O(1,3)",
        "p1,p2,p3:vector",
        "--output",
        "vector",
        "--degree",
        "4",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["complete"] is True and data["output"] == "vector"
    assert [d["degree"] for d in data["degrees"]] == list(range(5))


def test_certificate_round_trip_and_tampering(capsys, tmp_path):
    path = tmp_path / "out.json"
    code, out, _ = run(
        capsys,
        "verify",
        "E(3)",
        "x1,x2,x3:position; v:vector",
        "--output",
        "vector",
        "--degree",
        "4",
        "--certificate",
        str(path),
    )
    assert code == 0 and path.exists()
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and out.startswith("OK")

    cert = json.loads(path.read_text())
    block = next(b for b in cert["blocks"] if b["dimension"] > 1)
    block["dimension"] -= 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(cert))
    code, out, _ = run(capsys, "check", str(bad))
    assert code == 1 and "MISMATCH" in out


@pytest.mark.parametrize(
    "argv,message",
    [
        (["verify", "Q(3)", "p:vector"], "unknown group 'Q(3)'"),
        (["verify", "SO(0)", "p:vector"], "at least 1"),
        (["verify", "SO(3)", "p:spinor"], "unknown type 'spinor'"),
        (["verify", "SO(3)", "p:vector;p:vector"], "duplicate input name 'p'"),
        (["verify", "SO(3)", "p vector"], "malformed"),
        (["verify", "SO(3)", "p:vector", "--degree", "-2"], "non-negative"),
        (["verify", "SO(3)", "p:vector", "--degree", "100000"], "too large"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, tmp_path, argv, message):
    cert = tmp_path / "never.json"
    code, out, err = run(capsys, *argv, "--certificate", str(cert))
    assert code == 2
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not cert.exists()


def test_check_rejects_non_certificates(capsys, tmp_path):
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    code, _, err = run(capsys, "check", str(junk))
    assert code == 2 and "invariants: error:" in err and err.count("\n") == 1
    code, _, err = run(capsys, "check", str(tmp_path / "missing.json"))
    assert code == 2 and err.count("\n") == 1


def test_console_script_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "invariants.cli", "verify", "SO(2)", "p:vector", "--degree", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "COMPLETE" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "invariants.cli", "verify", "SO(2)", "p:bad"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_version(capsys):
    import invariants

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"invariants {invariants.__version__}"


# --------------------------------------------------------------------------- output files


def _bad_path(tmp_path: Path, kind: str) -> Path:
    (tmp_path / "file").write_text("x")
    return {
        "missing folder": tmp_path / "missing" / "c.json",
        "a directory": tmp_path,
        "under a file": tmp_path / "file" / "c.json",
        "in /proc": Path("/proc/c.json"),
    }[kind]


def _no_work(monkeypatch):
    """Make the expensive step fail loudly: it must not run when the output is unwritable."""

    def fail(*args, **kwargs):
        raise AssertionError("the work ran although the output cannot be written")

    # import every module first: invariants.basis binds `verify` at import, and must not bind
    # the stand-in (a later test would then fail depending on the order the tests ran in)
    modules = {name: importlib.import_module(f"invariants.{name}") for name in ("verify", "basis")}
    for name, module in modules.items():  # the package's attributes of these names are functions
        monkeypatch.setattr(module, name, fail)


KINDS = ["missing folder", "a directory", "under a file"]
KINDS += ["in /proc"] if Path("/proc/self").exists() else []


@pytest.mark.parametrize("kind", KINDS)
def test_unwritable_certificate_fails_before_the_work(capsys, tmp_path, monkeypatch, kind):
    path = _bad_path(tmp_path, kind)
    _no_work(monkeypatch)
    code, out, err = run(capsys, "verify", "SO(3)", "p,q:vector", "--certificate", str(path))
    assert code == 2 and not out and "Traceback" not in err
    assert err.startswith(f"invariants: error: cannot write certificate to {str(path)!r}: ")
    assert err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # no temporary file left


@pytest.mark.parametrize("kind", KINDS)
def test_unwritable_export_fails_before_the_work(capsys, tmp_path, monkeypatch, kind):
    path = _bad_path(tmp_path, kind)
    _no_work(monkeypatch)
    code, out, err = run(capsys, "export", "SO(3)", "p:vector", "-o", str(path))
    assert code == 2 and not out and err.count("\n") == 1
    assert err.startswith(f"invariants: error: cannot write module to {str(path)!r}: ")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anyway")
def test_read_only_folder(capsys, tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    _no_work(monkeypatch)
    path = folder / "c.json"
    code, _, err = run(capsys, "verify", "SO(2)", "p:vector", "--certificate", str(path))
    assert code == 2 and err.count("\n") == 1 and "Permission denied" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_device_is_one_line_and_exit_2(capsys):
    code, out, err = run(capsys, "verify", "SO(2)", "p:vector", "--certificate", "/dev/full")
    # the partial certificate is written when the run starts: the full device is found then
    assert code == 2 and out == ""
    assert (
        err
        == "invariants: error: cannot write certificate to '/dev/full': No space left on device\n"
    )
    code, out, err = run(capsys, "export", "SO(2)", "p:vector", "-o", "/dev/full")
    assert code == 2 and not out and err.count("\n") == 1 and "No space left on device" in err


def test_write_certificate_raises_invariants_error(tmp_path):
    path = tmp_path / "missing" / "c.json"
    with pytest.raises(
        InvariantsError, match=re.escape(f"cannot write certificate to {str(path)!r}")
    ):
        write_certificate({"format": "invariants-certificate"}, path)


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "c.json"
    path.write_text("old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(InvariantsError, match="No space left on device"):
        write_certificate({"format": "invariants-certificate"}, path)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["c.json"]


def test_writes_follow_links_and_keep_permissions(tmp_path):
    target, link = tmp_path / "target.json", tmp_path / "link.json"
    target.write_text("old")
    target.chmod(0o640)
    link.symlink_to(target)
    write_text_atomic(link, "new", "certificate")
    assert link.is_symlink() and target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.json"
    write_text_atomic(fresh, "x", "certificate")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


# --------------------------------------------------------------------------- check


def _proof(name: str) -> Path:
    return Path(__file__).resolve().parent.parent / "proofs" / "certificates" / name


def test_check_says_what_it_proved(capsys, tmp_path):
    cert = json.loads(_proof("SO3-4vectors-scalar-deg8.json").read_text())
    renamed = tmp_path / "O5-1vectors-vector-deg8.json"  # the name of another case
    renamed.write_text(json.dumps(cert))
    code, out, _ = run(capsys, "check", str(renamed))
    assert code == 0
    assert out == (
        "OK: SO(3), inputs v1,v2,v3,v4:vector, output scalar, degree <= 8: every invariant "
        f"polynomial of degree <= 8 is a polynomial in the {len(cert['generators'])} generators "
        f"({len(cert['blocks'])} blocks re-checked)\n"
    )


def test_check_json(capsys):
    path = _proof("O3-2vectors-vector-deg8.json")
    code, out, _ = run(capsys, "check", str(path), "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["complete"] and data["problems"] == []
    assert (data["group"], data["output"], data["degree"]) == ("O(3)", "vector", 8)
    assert [i["type"] for i in data["inputs"]] == ["vector", "vector"]
    assert data["summary"].startswith("OK: O(3), inputs ")


def test_check_failure_names_the_case(capsys, tmp_path):
    cert = json.loads(_proof("SO2-1vectors-scalar-deg8.json").read_text())
    cert["blocks"][-1]["dimension"] += 1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(cert))
    code, out, _ = run(capsys, "check", str(path))
    lines = out.splitlines()
    assert code == 1 and lines[0].startswith("MISMATCH: block ")
    assert lines[-1] == "FAILED: SO(2), inputs v1:vector, output scalar, degree <= 8: 1 problem(s)"


def test_check_prints_at_most_a_hundred_mismatches(capsys, tmp_path):
    cert = json.loads(_proof("SO3-4vectors-scalar-deg8.json").read_text())
    cert["generators"] += [dict(cert["generators"][0]) for _ in range(150)]  # 150 duplicates
    path = tmp_path / "many.json"
    path.write_text(json.dumps(cert))
    code, out, _ = run(capsys, "check", str(path))
    lines = out.splitlines()
    total = int(lines[-1].split(": ")[-1].split(" ")[0])
    assert code == 1 and total > 150
    assert (
        len(lines) == 102
        and lines[100] == f"MISMATCH: … and {total - 100} more (--json lists every one)"
    )
    code, out, _ = run(capsys, "check", str(path), "--json")
    assert len(json.loads(out)["problems"]) == total


def test_check_huge_degree_is_answered_at_once(capsys, tmp_path):
    cert = json.loads(_proof("SO3-4vectors-scalar-deg8.json").read_text())
    cert["degree"] = 10**6
    path = tmp_path / "deg.json"
    path.write_text(json.dumps(cert))
    start = time.perf_counter()
    code, out, _ = run(capsys, "check", str(path))
    assert time.perf_counter() - start < 30  # a hang guard (the old code ran for minutes)
    assert code == 1 and "MISMATCH: the claimed degree 1000000 needs at least 1000001 blocks" in out


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_check_endless_device_and_size_limit(capsys, tmp_path):
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    code, out, err = run(capsys, "check", str(link), "--max-bytes", "100000")
    assert code == 2 and not out
    assert err == (
        f"invariants: error: certificate file {str(link)!r} is larger than the limit of "
        "100000 bytes\n"
    )
    code, _, err = run(
        capsys, "check", str(_proof("SO2-1vectors-scalar-deg8.json")), "--max-bytes", "10"
    )
    assert code == 2 and "larger than the limit of 10 bytes" in err


def test_check_deep_nesting(capsys, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run(capsys, "check", str(path))
    assert code == 2 and err.count("\n") == 1 and "nested too deeply" in err
