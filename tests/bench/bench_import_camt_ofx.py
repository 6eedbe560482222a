"""Import speed of camt.053, camt.052, camt.054 and OFX (SGML and XML): lines/s on a 100,000-transaction file of
each (seed fixed; the camt.052 and camt.054 files are the camt.053 one as a report and as a notification).

Each import runs in a fresh subprocess (so one's memory does not inflate the next; 3 runs, the median printed) through
importers.import_file, i.e. detection, parsing, statement assembly and the balance check. Printed per file:
wall seconds, CPU seconds of the subprocess, lines/s (wall and CPU) and the subprocess's peak memory. The target
is 50,000 lines/s each. The machine is shared: CPU seconds are the steadier figure when it is busy.
For camt.053 it also prints the import with the format registry already loaded (import_file's first call imports
every format module and their libraries, paid once per process) and which entry reader ran (the compiled
CompiledEntryReader, or EntryReader when camt.walk is not built), the same with the pure-Python reader, and two
floors: lxml's parse alone, and the parse plus one pass handing every element's tag and text to Python.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

N = 100_000
SEED = 20260131
NAMES = ["Acme GmbH", "Müller & Söhne KG", "Power Co", "City Water", "Payroll Services", "Office Supplies Ltd",
         "Café Central", "Northwind Traders", "Contoso", "Fabrikam"]

_MEASURE = r"""
import json, re, sys, time
from tieout.server.importers import import_file

def peak_mb():  # this process's peak resident memory (VmHWM: reset by exec, unlike ru_maxrss)
    with open("/proc/self/status") as fh:
        return int(re.search(r"VmHWM:\s+(\d+)", fh.read()).group(1)) / 1024

before = peak_mb()
if "warm" in sys.argv[2:]:  # the registry's import of every format module (and their libraries) done first
    from tieout.server.importers import importers
    importers()
from tieout.server.importers.camt import fields, reader as camt_reader
if "python" in sys.argv[2:]:  # camt.053 with the pure-Python entry reader (as when camt.walk is not built)
    camt_reader.entry_reader = fields.EntryReader
reader = type(camt_reader.entry_reader("")).__name__
t0, c0 = time.perf_counter(), time.process_time()
result = import_file(sys.argv[1])
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"lines": len(result.lines), "wall": wall, "cpu": cpu, "format": result.format,
                  "peak_mb": peak_mb(), "start_mb": before, "warnings": len(result.warnings), "reader": reader}))
"""


# The floor under the camt.053 figure: lxml's streaming parse alone, with the importer's options, reading nothing.
_PARSE_ONLY = r"""
import sys, time
from lxml import etree
ns = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
c0 = time.process_time()
for _, el in etree.iterparse(sys.argv[1], events=("end",), tag=("{%s}Ntry" % ns, "{%s}Stmt" % ns),
                             resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_blank_text=True):
    el.clear()
    prev = el.getprevious()
    if prev is not None:
        el.getparent().remove(prev)
print(time.process_time() - c0)
"""

# The floor under any reading of the entries: the same parse, plus one pass handing every element of each entry to
# Python with its tag and text (what any walk of lxml's tree pays at least), namespace as written.
_HANDOFF = _PARSE_ONLY.replace("    el.clear()\n", "    for d in el.iter():\n        d.tag, d.text\n    el.clear()\n",
                                1)


def _amount(rnd: random.Random) -> Decimal:
    return Decimal(rnd.randint(1, 2_500_000)) / 100


CAMT_MESSAGES = {"053": ("BkToCstmrStmt", "Stmt"), "052": ("BkToCstmrAcctRpt", "Rpt"),
                 "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}


def write_camt(path: Path, n: int = N, seed: int = SEED, number: str = "053") -> None:
    """A pretty-printed camt.0NN.001.08 message (statement, report or notification) with n entries: transfers,
    card payments, fees, 1% batches, 2% pending, reversals; remittance information and parties as banks write
    them; opening and closing balances except in a notification."""
    rnd = random.Random(seed)
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.{number}.001.08"
    document, block = CAMT_MESSAGES[number]
    entries, total = [], Decimal(0)
    for i in range(n):
        amount = _amount(rnd)
        credit = rnd.random() < 0.45
        pending = rnd.random() < 0.02
        day = 1 + i * 28 // n
        kind = rnd.choice([("PMNT", "RCDT", "ESCT"), ("PMNT", "ICDT", "ESCT"), ("PMNT", "CCRD", "POSD"),
                           ("ACMT", "MDOP", "CHRG"), ("PMNT", "IDDT", "ESDD")])
        name = rnd.choice(NAMES)
        details = (f"<TxDtls><Refs><AcctSvcrRef>TX{i}</AcctSvcrRef><EndToEndId>E2E-{i:07d}</EndToEndId></Refs>"
                   f"<RltdPties><{'Dbtr' if credit else 'Cdtr'}><Pty><Nm>{name.replace('&', '&amp;')}</Nm></Pty>"
                   f"</{'Dbtr' if credit else 'Cdtr'}></RltdPties>"
                   f"<RmtInf><Ustrd>Invoice {rnd.randint(1000, 99999)}</Ustrd>"
                   + ("<Ustrd>second line</Ustrd>" if i % 10 == 0 else "") + "</RmtInf></TxDtls>")
        if i % 100 == 0:  # a batch of 3
            parts = [amount / 4, amount / 4, amount - 2 * (amount / 4)]
            details = "".join(f'<TxDtls><Refs><EndToEndId>B{i}-{k}</EndToEndId></Refs><Amt Ccy="EUR">{p:.2f}</Amt>'
                              f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd></TxDtls>"
                              for k, p in enumerate(parts))
            amount = sum(Decimal(f"{p:.2f}") for p in parts)
            details = f"<Btch><PmtInfId>PMT{i}</PmtInfId><NbOfTxs>3</NbOfTxs></Btch>" + details
        reversal = "<RvslInd>true</RvslInd>" if i % 500 == 7 else ""
        entries.append(
            f"<Ntry><NtryRef>{i}</NtryRef><Amt Ccy=\"EUR\">{amount:.2f}</Amt>"
            f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd>{reversal}"
            f"<Sts><Cd>{'PDNG' if pending else 'BOOK'}</Cd></Sts>"
            f"<BookgDt><DtTm>2026-01-{day:02d}T{rnd.randint(0, 23):02d}:15:00+01:00</DtTm></BookgDt>"
            f"<ValDt><Dt>2026-01-{day:02d}</Dt></ValDt><AcctSvcrRef>REF{i:08d}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>{kind[0]}</Cd><Fmly><Cd>{kind[1]}</Cd><SubFmlyCd>{kind[2]}</SubFmlyCd></Fmly></Domn>"
            f"</BkTxCd><NtryDtls>{details}</NtryDtls></Ntry>")
        if not pending:
            total += amount if credit else -amount
    opening = Decimal("10000.00")
    closing = opening + total

    def bal(code, value):
        if number == "054":
            return ""
        return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{abs(value):.2f}</Amt>"
                f"<CdtDbtInd>{'CRDT' if value >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>2026-01-31</Dt></Dt></Bal>")
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><{document}><GrpHdr><MsgId>BENCH</MsgId>'
           f"<CreDtTm>2026-02-01T06:00:00+01:00</CreDtTm></GrpHdr><{block}><Id>BENCH-1</Id>"
           f"<CreDtTm>2026-02-01T06:00:00+01:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id>"
           f"<Ccy>EUR</Ccy></Acct>{bal('OPBD', opening)}{bal('CLBD', closing)}{''.join(entries)}</{block}>"
           f"</{document}></Document>\n")
    path.write_text(_indent(xml), encoding="utf-8")


def _indent(xml: str) -> str:
    """Pretty-print as banks do (one element per line, indented), cheaply: the generator's markup is regular."""
    out, depth = [], 0
    for piece in xml.replace("><", ">\n<").split("\n"):
        if piece.startswith("</"):
            depth -= 1
        out.append("  " * max(depth, 0) + piece)
        if piece.startswith("<") and not piece.startswith(("</", "<?")) and "</" not in piece \
                and not piece.endswith("/>"):
            depth += 1
    return "\n".join(out) + "\n"


def write_ofx(path: Path, xml: bool, n: int = N, seed: int = SEED) -> None:
    """An OFX bank statement with n transactions (SGML 1.02 with unclosed leaves, or XML 2.2)."""
    rnd = random.Random(seed)
    types = ["DEBIT", "CREDIT", "POS", "ATM", "CHECK", "XFER", "FEE", "DIRECTDEP", "DIRECTDEBIT", "PAYMENT"]

    def leaf(name, value):
        return f"<{name}>{value}</{name}>" if xml else f"<{name}>{value}"
    rows = []
    for i in range(n):
        trntype = rnd.choice(types)
        amount = _amount(rnd)
        signed = amount if trntype in ("CREDIT", "DIRECTDEP") else -amount
        day = 1 + i * 28 // n
        fields = [leaf("TRNTYPE", trntype), leaf("DTPOSTED", f"202601{day:02d}120000.000[-5:EST]"),
                  leaf("TRNAMT", f"{signed:.2f}"), leaf("FITID", f"{20260000000 + i}")]
        if trntype == "CHECK":
            fields.append(leaf("CHECKNUM", str(1000 + i)))
        name = rnd.choice(NAMES).replace("&", "&amp;")
        fields += [leaf("NAME", name), leaf("MEMO", f"{name} REF {rnd.randint(100000, 999999)}")]
        rows.append("<STMTTRN>\n" + "\n".join(fields) + "\n</STMTTRN>\n")
    header = ('<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" '
              'OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n') if xml else \
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n" \
        "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
    body = (f"<OFX>\n<SIGNONMSGSRSV1><SONRS><STATUS>{leaf('CODE', '0')}{leaf('SEVERITY', 'INFO')}</STATUS>"
            f"{leaf('DTSERVER', '20260201')}{leaf('LANGUAGE', 'ENG')}</SONRS></SIGNONMSGSRSV1>\n<BANKMSGSRSV1>"
            f"<STMTTRNRS>{leaf('TRNUID', '1')}<STATUS>{leaf('CODE', '0')}{leaf('SEVERITY', 'INFO')}</STATUS>\n"
            f"<STMTRS>{leaf('CURDEF', 'USD')}<BANKACCTFROM>{leaf('BANKID', '121000248')}{leaf('ACCTID', '4242')}"
            f"{leaf('ACCTTYPE', 'CHECKING')}</BANKACCTFROM>\n<BANKTRANLIST>{leaf('DTSTART', '20260101')}"
            f"{leaf('DTEND', '20260131')}\n{''.join(rows)}</BANKTRANLIST>\n<LEDGERBAL>{leaf('BALAMT', '1234.56')}"
            f"{leaf('DTASOF', '20260131')}</LEDGERBAL>\n</STMTRS></STMTTRNRS></BANKMSGSRSV1>\n</OFX>\n")
    path.write_bytes((header + body).encode("cp1252" if not xml else "utf-8"))  # as the headers declare


def _measure(path: Path, *extra: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(path), *extra], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def _median(path: Path, *extra: str, runs: int = 3) -> dict:
    """The run with the median wall time of `runs` fresh processes (one run is at the mercy of a shared machine),
    with every run's wall seconds in "walls"."""
    found = sorted((_measure(path, *extra) for _ in range(runs)), key=lambda m: m["wall"])
    return {**found[runs // 2], "walls": [round(m["wall"], 2) for m in found]}


def _cpu(script: str, path: Path) -> float:
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout)


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "camt.053 (.001.08, pretty-printed)": (Path(tmp) / "bench.xml", write_camt, {}),
            "camt.052 (.001.08, pretty-printed)": (Path(tmp) / "bench052.xml", write_camt, {"number": "052"}),
            "camt.054 (.001.08, pretty-printed)": (Path(tmp) / "bench054.xml", write_camt, {"number": "054"}),
            "OFX 1.02 SGML": (Path(tmp) / "bench_sgml.ofx", write_ofx, {"xml": False}),
            "OFX 2.2 XML": (Path(tmp) / "bench_xml.ofx", write_ofx, {"xml": True}),
        }
        for label, (path, writer, kwargs) in files.items():
            writer(path, **kwargs)
            os.sync()  # the file just written is flushed first: write-back while it is read slowed the first run
            size = path.stat().st_size / 1e6
            m = _median(path)
            assert m["lines"] == N and m["format"] == (label[:8].replace(".", "") if "camt" in label else "ofx"), m
            print(f"{label}: {m['lines']:,} lines ({size:.1f} MB) in {m['wall']:.2f} s wall / {m['cpu']:.2f} s CPU "
                  f"-> {m['lines'] / m['wall']:,.0f} lines/s wall, {m['lines'] / m['cpu']:,.0f} lines/s CPU "
                  f"(target 50,000); peak memory {m['peak_mb']:.0f} MB (at start: "
                  f"{m['start_mb']:.0f} MB); {m['warnings']} warnings; median of 3 runs (wall s: "
                  f"{', '.join(map(str, m['walls']))})", flush=True)
            if "camt.053" in label:
                w = _median(path, "warm")
                print(f"  with the format registry loaded beforehand (as in the server): {w['wall']:.2f} s wall / "
                      f"{w['cpu']:.2f} s CPU -> {w['lines'] / w['wall']:,.0f} lines/s wall, "
                      f"{w['lines'] / w['cpu']:,.0f} lines/s CPU; entry reader {w['reader']}", flush=True)
                p = _measure(path, "warm", "python")
                print(f"  the same with the pure-Python entry reader (camt.walk not built): {p['wall']:.2f} s wall"
                      f" / {p['cpu']:.2f} s CPU -> {p['lines'] / p['wall']:,.0f} lines/s wall", flush=True)
                print(f"  floor: lxml's streaming parse alone {_cpu(_PARSE_ONLY, path):.2f} s CPU; with every "
                      f"element's tag and text handed to Python {_cpu(_HANDOFF, path):.2f} s CPU", flush=True)


if __name__ == "__main__":
    run()
