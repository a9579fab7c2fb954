"""Property-based fuzz of the case file (hostile YAML never ends in an internal error).

In the suite: DOCGEN_FUZZ_EXAMPLES (default 60) mutated cases are loaded and the first
DOCGEN_FUZZ_BUILDS (default 1) that load are built in full. The long run:
`scripts/fuzz 10000` (see README "Security")."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from tests.conftest import SAMPLE_NAMES, SAMPLES
from tests.fuzz_cases import builds_allowed, mutate, mutations, run_one, sample_folder

EXAMPLES = int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", "60"))
LONG = "DOCGEN_FUZZ_EXAMPLES" in os.environ


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_mutated_case_files(name, fuzz_dir):
    folder = sample_folder(name, fuzz_dir)
    source = (SAMPLES / name / "case.yaml").read_bytes()
    counts = {0: 0, 2: 0, 3: 0}
    built = [0]

    @settings(max_examples=max(1, EXAMPLES // len(SAMPLE_NAMES)), deadline=None, database=None,
              derandomize=not LONG, suppress_health_check=list(HealthCheck))
    @given(mutations)
    def prop(muts):
        text = mutate(source, muts)
        do_build = built[0] < builds_allowed()
        code = run_one(folder, text, build=do_build)
        if code != 2 and do_build:
            built[0] += 1
        assert code in (0, 2, 3)
        counts[code] += 1

    prop()
    print(f"\n{name}: exit counts {counts}, built {built[0]}")
    assert counts[2] > 0  # the mutations do reach the loader's refusals


def test_known_crashers_are_exit_2(tmp_path):
    """The classes the 12,000-case sweep found (issue #13, item 1), each once."""
    folder = sample_folder("fund-hold", tmp_path)
    source = (SAMPLES / "fund-hold" / "case.yaml").read_bytes()
    lines = source.decode().splitlines()

    def at(text: str) -> int:  # 0-based index of the line holding `text`
        return next(i for i, ln in enumerate(lines) if ln.startswith(text))
    date, rnd, req, file = at("letter_date:"), at("appeal_round:"), at("request_ru:"), at("    file:")
    for muts in ([("value", date, "2026-02-30")], [("value", date, "!!timestamp yesterday")],
                 [("value", rnd, "!!int ''")], [("value", rnd, "!!int abc")], [("value", rnd, "9" * 5000)],
                 [("value", rnd, "!!float abc")], [("value", rnd, "!!bool maybe")], [("value", rnd, "[" * 1000)],
                 [("value", req, '"\\x01"')], [("value", req, '"\\0"')], [("dup", rnd, None)], [("laughs", None, None)],
                 [("raw", 1605, b"\x00")], [("raw", 1605, b"\xff")], [("value", file, "evidence/" + "a" * 300)]):
        assert run_one(folder, mutate(source, muts), build=False) == 2, muts


def test_long_run_finds_stay_exit_2(tmp_path):
    """What the long run (`scripts/fuzz 10000`) found after the sweep, each once:
    a `previous_manifest` name over 255 bytes (ENAMETOOLONG, was exit 1)."""
    folder = sample_folder("listing-takedown-round2", tmp_path)
    source = (SAMPLES / "listing-takedown-round2" / "case.yaml").read_bytes()
    lines = source.decode().splitlines()
    prev = next(i for i, ln in enumerate(lines) if ln.startswith("previous_manifest:"))
    for muts in ([("longline", prev, 1000)], [("value", prev, "round1/" + "m" * 300 + ".json")]):
        assert run_one(folder, mutate(source, muts), build=False) == 2, muts
