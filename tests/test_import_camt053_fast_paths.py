"""camt.053 speed paths keep the meaning: the flat entry pass and the compiled reader (camt.walk) equal a plain
recursive reading of the element map, and blanking the root's default namespace (camt.source) gives the same
import as reading the file as written.

Fixtures are generated here; the importer's behaviour tests are in test_import_camt053.py.
"""
from __future__ import annotations

import re
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from tieout.server.errors import BankFileError
from tieout.server.importers import import_file
from tieout.server.importers.base import ImportOptions
from tieout.server.importers.camt import IMPORTERS
from tieout.server.importers.camt.reader import Reader
from tieout.server.importers.camt.fields import (
    DETAIL_NAMES,
    ENTRY,
    ENTRY_NAMES,
    Detail,
    ENTRY_TABLE,
    EntryReader,
    Leaf,
    entry_reader,
)
from tieout.server.importers.camt.source import (
    BlankedSource,
    NamespaceSurprise,
    blankable_declaration,
)

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


# -- the flat pass against the map read recursively --------------------------------------------------------------
def reference_read(el, ns: str):
    """The element map read the obvious way: recursion over the named branches, first non-empty text wins."""
    fields, details = dict.fromkeys(ENTRY_NAMES, ""), []

    def local(tag):
        if not isinstance(tag, str):  # a comment or processing instruction
            return None
        if ns:
            return tag[len(ns) + 2:] if tag.startswith(f"{{{ns}}}") else None
        return None if tag.startswith("{") else tag

    def walk(node, spec, out):
        for child in node:
            rule = spec.get(local(child.tag))
            text = (child.text or "").strip()
            if isinstance(rule, str):
                out[rule] = out[rule] or text
            elif isinstance(rule, dict):
                walk(child, rule, out)
            elif isinstance(rule, Leaf):
                if text and not out[rule.name]:
                    out[rule.name] = text
                elif text and rule.join is not None:
                    out[rule.name] += rule.join + text
                for attribute, name in rule.attributes.items():
                    out[name] = out[name] or (child.get(attribute) or "").strip()
                if rule.children:
                    walk(child, rule.children, out)
            elif isinstance(rule, Detail):
                details.append(dict.fromkeys(DETAIL_NAMES, ""))
                walk(child, rule.children, details[-1])

    walk(el, ENTRY, fields)
    return fields, details


# Element names of the map (at every level) and others, so that known names turn up in unknown places too.
NAMES = sorted({"NtryRef", "Amt", "CdtDbtInd", "RvslInd", "Sts", "Cd", "Prtry", "BookgDt", "ValDt", "Dt", "DtTm",
                "AcctSvcrRef", "BkTxCd", "Domn", "Fmly", "SubFmlyCd", "NtryDtls", "Btch", "MsgId", "PmtInfId",
                "NbOfTxs", "TxDtls", "Refs", "EndToEndId", "ChqNb", "AmtDtls", "TxAmt", "RltdPties", "Dbtr",
                "Cdtr", "Pty", "Nm", "RmtInf", "Ustrd", "Strd", "CdtrRefInf", "Ref", "AddtlTxInf", "AddtlNtryInf",
                "Chrgs", "Rcrd", "RltdAgts", "Purp", "Foo"})
TEXTS = st.sampled_from(["", " ", "A1", " b  c ", "\xa0", "1.00", "CRDT", "Müller & Söhne", "x\ny"])


@st.composite
def element_xml(draw, depth=0):
    name = draw(st.sampled_from(NAMES))
    attribute = draw(st.sampled_from(["", ' Ccy="EUR"', ' Ccy=" USD "', ' Ccy=""']))
    parts = [escape(draw(TEXTS))]
    if depth < 5:
        for _ in range(draw(st.integers(0, 3))):
            parts.append(draw(element_xml(depth + 1)))
            parts.append(escape(draw(st.sampled_from(["", " tail "]))))
        if draw(st.booleans()):
            parts.append("<!-- c -->" if draw(st.booleans()) else "<?pi x?>")
    return f"<{name}{attribute}>{''.join(parts)}</{name}>"


def compiled_reader(ns: str):
    from tieout.server.importers.camt.walk import CompiledEntryReader

    return CompiledEntryReader(ENTRY_TABLE, ns, ENTRY_NAMES, DETAIL_NAMES)


READERS = pytest.mark.parametrize("reader", [EntryReader, compiled_reader], ids=["python", "compiled"])


def test_the_compiled_entry_reader_is_built_and_used():
    """`make test` installs with a C compiler (setup.py); without the build the importer is ~10x slower."""
    try:
        from tieout.server.importers.camt.walk import CompiledEntryReader
    except ImportError as exc:
        pytest.fail(f"the compiled camt.053 entry reader is not built ({exc}): reinstall with a C compiler and "
                    "Python's headers (make clean venv)")
    assert isinstance(entry_reader(NS), CompiledEntryReader)


@settings(max_examples=150, deadline=None)
@given(children=st.lists(element_xml(), max_size=8), namespaced=st.booleans())
def test_the_flat_pass_and_the_compiled_reader_read_what_the_map_says(children, namespaced):
    ns = NS if namespaced else ""
    declaration = f' xmlns="{ns}"' if ns else ""
    el = etree.fromstring(f"<Ntry{declaration}>{''.join(children)}<x:Amt xmlns:x='urn:x'>7</x:Amt></Ntry>")
    expected = reference_read(el, ns)
    assert EntryReader(ns)(el) == expected
    assert compiled_reader(ns)(el) == expected


@READERS
def test_texts_are_read_as_lxml_gives_them(reader):
    """CDATA joined to the text around it, text cut at a comment, entities and non-ASCII decoded, attributes in
    another namespace not taken for Ccy."""
    el = etree.fromstring(
        f'<Ntry xmlns="{NS}" xmlns:o="urn:o"><NtryRef>a<![CDATA[<b>]]>c</NtryRef><Amt o:Ccy="XXX" Ccy=" &#x20AC;x ">'
        f"1.00</Amt><AddtlNtryInf>Müller<!-- gone -->tail</AddtlNtryInf><AcctSvcrRef><![CDATA[ ]]></AcctSvcrRef>"
        f"<AcctSvcrRef>　R </AcctSvcrRef><CdtDbtInd>&amp;</CdtDbtInd></Ntry>")
    fields, details = reader(NS)(el)
    assert (fields["entry_ref"], fields["currency"], fields["info"], fields["servicer_ref"], fields["direction"]) \
        == ("a<b>c", "€x", "Müller", "R", "&")
    assert details == []


@READERS
def test_known_names_in_unknown_places_are_not_read(reader):
    el = etree.fromstring(
        f'<Ntry xmlns="{NS}"><Chrgs><Amt Ccy="EUR">9.99</Amt><Rcrd><Amt>1.00</Amt></Rcrd></Chrgs>'
        f'<Amt Ccy="CHF"> 5.00 </Amt><NtryRef><x>child</x></NtryRef><Sts> <Cd>BOOK</Cd></Sts>'
        f"<NtryDtls><TxDtls><RltdAgts><DbtrAgt><FinInstnId><Nm>Bank</Nm></FinInstnId></DbtrAgt></RltdAgts>"
        f"<RltdPties><Dbtr><Pty><Nm>Acme</Nm></Pty></Dbtr></RltdPties>"
        f"<RmtInf><Ustrd>a</Ustrd><Ustrd> </Ustrd><Ustrd>b  c</Ustrd></RmtInf></TxDtls><TxDtls/></NtryDtls></Ntry>")
    fields, details = reader(NS)(el)
    assert (fields["amount"], fields["currency"], fields["status"], fields["entry_ref"]) == ("5.00", "CHF", "BOOK", "")
    assert len(details) == 2
    assert (details[0]["debtor"], details[0]["unstructured"], details[1]["debtor"]) == ("Acme", "a b  c", "")


# -- the blanked namespace --------------------------------------------------------------------------------------
def _statement(extra_entry: str = "", root_attributes: str = f'xmlns="{NS}"', prefix: str = "") -> bytes:
    entries = "".join(
        f'<Ntry><NtryRef>N{i}</NtryRef><Amt Ccy="EUR">{i}.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        f"<BookgDt><Dt>2026-01-0{i}</Dt></BookgDt><AcctSvcrRef>R{i}</AcctSvcrRef><NtryDtls><TxDtls><Refs>"
        f"<EndToEndId>E{i}</EndToEndId></Refs><RltdPties><Dbtr><Pty><Nm>Payer {i}</Nm></Pty></Dbtr></RltdPties>"
        f"<RmtInf><Ustrd>Invoice {i}</Ustrd>{extra_entry if i == 2 else ''}</RmtInf></TxDtls></NtryDtls></Ntry>"
        for i in (1, 2, 3))
    body = (f"<Document {root_attributes}>\n<BkToCstmrStmt>\n<GrpHdr><MsgId>M</MsgId></GrpHdr>\n<Stmt><Id>S1</Id>"
            f"<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>"
            f'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
            f"<Dt><Dt>2026-01-01</Dt></Dt></Bal>"
            f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">17.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
            f"<Dt><Dt>2026-01-31</Dt></Dt></Bal>\n{entries}</Stmt>\n</BkToCstmrStmt>\n</Document>\n")
    if prefix:
        body = re.sub(r"<(/?)([A-Za-z]+)", rf"<\1{prefix}:\2", body)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def test_the_default_namespace_is_blanked_only_when_the_tree_keeps_its_meaning():
    plain = _statement()
    start, end, count = blankable_declaration(plain, NS)
    assert plain[start:end].strip() == f'xmlns="{NS}"'.encode() and count == 1
    assert blankable_declaration(_statement(root_attributes=f'xmlns:xsi="x" xmlns="{NS}"'), NS)[2] == 2
    refused = {
        "prefixed root": _statement(root_attributes=f'xmlns:c="{NS}"', prefix="c"),
        "a prefix for the camt namespace too": _statement(root_attributes=f'xmlns="{NS}" xmlns:c="{NS}"'),
        "another default namespace": _statement(root_attributes='xmlns="urn:other"'),
        "a DOCTYPE": plain.replace(b"<Document", b"<!DOCTYPE Document>\n<Document", 1),
        "an entity in the root tag": _statement(root_attributes=f'xmlns="{NS}" a="&amp;"'),
        "UTF-16": plain.decode().replace("UTF-8", "UTF-16").encode("utf-16"),
        "EBCDIC declared": plain.replace(b"UTF-8", b"cp037"),
    }
    for why, data in refused.items():
        assert blankable_declaration(data, NS) is None, why


@pytest.mark.parametrize("variant", ["blanked", "prefixed", "late default namespace", "latin-1"])
def test_blanked_and_as_written_import_alike(tmp_path, variant):
    data = {
        "blanked": _statement(),
        "prefixed": _statement(root_attributes=f'xmlns:c="{NS}"', prefix="c"),
        # an element in no namespace deep in the file: not a camt element, so its text is not read
        "late default namespace": _statement(extra_entry='<Ustrd xmlns="">not camt</Ustrd>'),
        "latin-1": _statement().replace(b"UTF-8", b"ISO-8859-1"),
    }[variant]
    path = tmp_path / "s.xml"
    path.write_bytes(data)
    result = import_file(path)
    assert [ln.line_id for ln in result.lines] == ["R1", "R2", "R3"]
    assert [ln.amount for ln in result.lines] == [Decimal("1.50"), Decimal("2.50"), Decimal("3.50")]
    assert [ln.description for ln in result.lines] == [f"Payer {i} / Invoice {i}" for i in (1, 2, 3)]
    assert result.statements[0].closing_balance == Decimal("17.50")


def test_blanking_keeps_the_lines_that_errors_name(tmp_path):
    data = _statement().replace(b"<CdtDbtInd>CRDT</CdtDbtInd><Sts>", b"<CdtDbtInd>CREDIT</CdtDbtInd><Sts>", 1)
    data = data.replace(b"<Stmt>", b"<Stmt>\n\n", 1)
    path = tmp_path / "bad.xml"
    path.write_bytes(data)
    assert blankable_declaration(data, NS) is not None
    line = data.decode().splitlines().index(next(t for t in data.decode().splitlines() if "CREDIT" in t)) + 1
    with pytest.raises(BankFileError, match=rf"line {line}, record statement #1 entry #1, field 'Ntry/CdtDbtInd'"):
        import_file(path)
    path.write_bytes(data[: len(data) * 2 // 3])  # truncated: the XML error names the same line either way
    with pytest.raises(BankFileError, match=r"line \d+: not well-formed XML") as blanked:
        import_file(path)
    with pytest.raises(BankFileError, match=r"line \d+: not well-formed XML") as as_written:
        camt053 = next(i for i in IMPORTERS if i.name == "camt053")
        Reader(camt053, path, ImportOptions(), blank_namespace=False).read()
    assert str(blanked.value) == str(as_written.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(1, 64), late=st.booleans())
def test_the_source_blanks_and_counts_across_any_chunking(tmp_path, size, late):
    body = b'<D xmlns="u" b="xmlns">' + b"a" * 37 + (b"<x xmlns=''/>" if late else b"<x/>") + b"b" * 9 + b"</D>"
    path = tmp_path / "c.xml"
    path.write_bytes(body)
    source = BlankedSource(path, 3, 12, 2)
    out = b""
    try:
        while chunk := source.read(size):
            out += chunk
    except NamespaceSurprise:
        assert late
        return
    finally:
        source.close()
    assert not late
    assert out == b"<D" + b" " * 10 + body[12:]
