"""Small valid bank files of every text format around one amount, made by code: the crafted files of issue 13
change one value of them (tests/test_import_hostile.py), the mutation fuzz starts from them
(tests/test_import_mutation_fuzz.py)."""
from __future__ import annotations

from decimal import Decimal


def bai2(amount: Decimal) -> tuple[str, str]:
    minor = f"{amount:.2f}".replace(".", "")
    return "bai", "\n".join([
        "01,SENDER,RECEIVER,250101,0000,1,,,2/", "02,RECEIVER,SENDER,1,250101,0000,USD,2/",
        "03,123456789,USD,010,100000,,/", f"16,165,{minor},,REF1,,DEPOSIT/", f"49,{minor},3/",
        f"98,{minor},1,5/", f"99,{minor},1,7/"]) + "\n"


def mt940(amount: Decimal) -> tuple[str, str]:
    text = format(amount, "f").replace(".", ",")
    return "sta", "\n".join([
        ":20:REF", ":25:DE89370400440532013000", ":28C:1/1", ":60F:C250101EUR0,00",
        f":61:2501020102C{text}NTRFNONREF", ":86:Deposit", f":62F:C250102EUR{text}", "-"]) + "\n"


def ofx(amount: Decimal) -> tuple[str, str]:
    return "ofx", ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
                   "<CURDEF>USD<BANKACCTFROM><BANKID>1<ACCTID>42<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST>"
                   "<DTSTART>20250101<DTEND>20250131<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20250102"
                   f"<TRNAMT>{amount}<FITID>1<NAME>Deposit</STMTTRN></BANKTRANLIST>"
                   f"<LEDGERBAL><BALAMT>{amount}<DTASOF>20250131</LEDGERBAL>"
                   "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")


def qif(amount: Decimal) -> tuple[str, str]:
    return "qif", f"!Type:Bank\nD01/02/2025\nT{amount}\nPDeposit\n^\n"


def csv(amount: Decimal) -> tuple[str, str]:
    return "csv", f"Date,Description,Amount,Currency\n2025-01-02,Deposit,{amount},USD\n2025-01-03,Fee,-1.00,USD\n"


def camt053(amount: Decimal) -> tuple[str, str]:
    return "xml", (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>1</MsgId>'
        "<CreDtTm>2025-01-31T00:00:00</CreDtTm></GrpHdr><Stmt><Id>1</Id><CreDtTm>2025-01-31T00:00:00</CreDtTm>"
        "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        "<BookgDt><Dt>2025-01-02</Dt></BookgDt><ValDt><Dt>2025-01-02</Dt></ValDt></Ntry></Stmt></BkToCstmrStmt>"
        "</Document>\n")


def mt942(amount: Decimal) -> tuple[str, str]:
    text = format(amount, "f").replace(".", ",")
    return "sta", "\n".join([
        ":20:REF", ":25:PL89106000760000321000006053", ":28C:00001/001", ":34F:PLN0,", ":13D:2601150744+0200",
        f":61:2601150115C{text}NTRFREF-1//BR1", ":86:Przelew", ":61:2601150115D1,00NTRFREF-2//BR2",
        ":90D:1PLN1,00", f":90C:1PLN{text}"]) + "\n"


def _camt_message(number: str, document: str, block: str):
    """camt.052 and camt.054 share camt.053's parts: the message differs in its namespace, document and block."""
    def make(amount: Decimal) -> tuple[str, str]:
        suffix, text = camt053(amount)
        return suffix, (text.replace("camt.053.", f"camt.{number}.").replace("BkToCstmrStmt", document)
                        .replace("<Stmt>", f"<{block}>").replace("</Stmt>", f"</{block}>"))
    return make


camt052 = _camt_message("052", "BkToCstmrAcctRpt", "Rpt")
camt054 = _camt_message("054", "BkToCstmrDbtCdtNtfctn", "Ntfctn")

FORMATS = {"bai2": bai2, "mt940": mt940, "ofx": ofx, "qif": qif, "csv": csv, "camt053": camt053,
           "camt052": camt052, "camt054": camt054, "mt942": mt942}
