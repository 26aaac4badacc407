"""The command line: outputs, exit codes, certificates written and checked."""

import json
import subprocess
import sys

import pytest

from invariants.cli import main
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
