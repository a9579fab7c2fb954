"""review.xlf against the XLIFF 1.2 strict schema (OASIS xliff-core-1.2-strict.xsd, which
scripts/setup takes from Debian's php-symfony-translation package into vendor/schemas/), before
and after a translate-toolkit edit and after the import; `approved="yes"` only on
template text (and the locked file names it prints) and on recorded reviews (#16 item 6)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from docgen.cli import main
from tests.test_review import NEW_FACT2, draft  # noqa: F401  (the fixture)

SCHEMAS = Path(__file__).parent / "schemas"  # xml.xsd, written for these tests
STRICT = Path(__file__).parent.parent / "vendor" / "schemas" / "xliff-core-1.2-strict.xsd"
XLF = "{urn:oasis:names:tc:xliff:document:1.2}"


class _LocalSchemas(etree.Resolver):
    """xml.xsd from tests/schemas/ instead of www.w3.org: no network."""

    def resolve(self, url, pubid, context):
        if url.endswith("/xml.xsd") or url == "xml.xsd":
            return self.resolve_filename(str(SCHEMAS / "xml.xsd"), context)
        return None


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    assert STRICT.is_file(), f"{STRICT} is missing: run ./scripts/setup (scripts/fetch-xliff-schema)"
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(STRICT), parser))


def _valid(schema: etree.XMLSchema, path: Path) -> list[str]:
    doc = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))
    schema.validate(doc)
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def test_the_schema_is_xliff_1_2_strict(schema):
    """The strict flavour: XLIFF 1.2's namespace, and a closed list of target states
    (the transitional schema would let any state through)."""
    root = etree.parse(str(STRICT)).getroot()
    assert root.get("targetNamespace") == "urn:oasis:names:tc:xliff:document:1.2"
    states = root.xpath("//xsd:simpleType[@name='stateValueList']//xsd:enumeration/@value",
                        namespaces={"xsd": "http://www.w3.org/2001/XMLSchema"})
    assert {"final", "translated", "needs-review-translation", "signed-off"} <= set(states)


def _approved(path: Path) -> dict[str, bool]:
    root = etree.parse(str(path)).getroot()
    return {u.get("id"): u.get("approved") == "yes" for u in root.iter(f"{XLF}trans-unit")}


def _states(path: Path) -> dict[str, str]:
    root = etree.parse(str(path)).getroot()
    return {u.get("id"): u.find(f"{XLF}target").get("state") for u in root.iter(f"{XLF}trans-unit")}


def test_review_xliff_valid_and_approved_only_where_a_person_approved(draft, schema, tmp_path):  # noqa: F811
    xlf = draft / "review/review.xlf"
    assert _valid(schema, xlf) == []
    # the schema can fail: a state XLIFF 1.2 does not know is an error
    broken = tmp_path / "broken.xlf"
    broken.write_bytes(xlf.read_bytes().replace(b'state="final"', b'state="approved"', 1))
    assert any("state" in e for e in _valid(schema, broken))

    letter = json.loads((draft / "review/letter.json").read_text(encoding="utf-8"))
    origins = {s["id"]: s["origin"] for s in letter["segments"]}
    approved = _approved(xlf)
    assert set(approved) == set(origins)
    # before a review: template text (and the file names the template prints) only
    assert {u for u, a in approved.items() if a} == {u for u, o in origins.items() if o in ("template", "data")}
    assert {"fact.1", "fact.2", "request"} <= {u for u, a in approved.items() if not a}

    # a translator edits in a translate-toolkit based tool (generic XLIFF store, as Virtaal/Pootle open it)
    from translate.storage import factory

    edited = draft.parent / "edited.xlf"
    store = factory.getobject(str(xlf))
    for unit in store.units:
        if unit.getid().endswith("fact.2") or unit.xmlelement.get("id") == "fact.2":
            unit.settarget(NEW_FACT2)
            unit.markfuzzy(False)
    store.savefile(str(edited))
    assert _valid(schema, edited) == []
    assert b"fact.2" in edited.read_bytes() and NEW_FACT2.encode() in edited.read_bytes()

    # the import accepts it; the rebuilt review.xlf is still valid, and now every unit is approved
    assert main(["review", "import", str(edited), "--outdir", str(draft), "--reviewer", "Анна Иванова"]) == 0
    assert _valid(schema, xlf) == []
    assert all(_approved(xlf).values())
    states = _states(xlf)
    assert all(states[u] == "signed-off" for u, o in origins.items() if o not in ("template", "data"))
    assert all(states[u] == "final" for u, o in origins.items() if o in ("template", "data"))
