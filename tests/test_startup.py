"""Start-up: `docgen --version`, `--help` and argument errors load none of the heavy
libraries (they are imported by the stages that use them). A behaviour, not a timing:
bench/build_bench.py measures the time."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("weasyprint", "docx", "pikepdf", "ctranslate2", "pydantic", "jinja2", "lxml", "translate", "fontTools",
         "pypdf", "reportlab", "PIL", "docgen.build", "docgen.case.model", "docgen.writers.docx_writer")

_PROBE = """
import json, sys
from docgen.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _loaded(*argv: str) -> tuple[int, set[str], str]:
    out = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=60)
    last = json.loads(out.stdout.strip().splitlines()[-1])
    return last["code"], set(last["modules"]), out.stdout + out.stderr


@pytest.mark.parametrize("argv,code,says", [
    (("--version",), 0, "docgen 0.1.0"),
    (("--help",), 0, "usage: docgen"),
    (("build", "--help"), 0, "--strict"),
    (("build",), 2, "the following arguments are required: case"),
    (("new", "no_such_type"), 2, "invalid choice"),
])
def test_cli_start_imports_nothing_heavy(argv, code, says):
    got, modules, text = _loaded(*argv)
    assert got == code and says in text
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY)
    assert heavy == []


def test_probe_sees_heavy_imports():
    """The probe is able to see a heavy import (the test above would otherwise prove nothing)."""
    _, modules, _ = _loaded("new", "fund_hold")  # the skeleton needs the case model (pydantic)
    assert "pydantic" in modules and "docgen.case.model" in modules


def test_public_api_names():
    import docgen
    import docgen.build as build_module  # noqa: F401  (the submodule must not hide the function)
    from docgen import BuildOptions, DocgenError, build, load_case

    assert callable(build) and build.__module__ == "docgen.build" and docgen.build is build
    assert BuildOptions.__name__ == "BuildOptions" and issubclass(DocgenError, Exception) and callable(load_case)
    with pytest.raises(AttributeError):
        docgen.no_such_name  # noqa: B018
