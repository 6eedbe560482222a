"""What an importer cannot decide without the user, named once as the ImportOptions field that answers it, and
worded by each surface that shows the error: the CLI names its flag, the API its JSON field or query parameter,
the add-in (addin/handlers/advice.py, MISSING) the question Import Bank File asks. The importers' own messages
stay neutral: they say what the file lacks, never which flag to pass."""
from __future__ import annotations

CURRENCY, DATE_ORDER, PROFILE = "currency", "date_order", "profile"

CLI = {
    CURRENCY: "give the account's currency: --currency CODE (e.g. --currency GBP)",
    DATE_ORDER: "say how the bank writes dates: --date-order day_first or --date-order month_first",
    PROFILE: "force a layout profile with --profile NAME (profiles are TOML files in $TIEOUT_HOME/profiles or "
             "--profile-dir DIR; the shipped ones are in server/importers/tabular/profiles/), write one with "
             "`tieout profile infer FILE`, or type the statement into the bank statement template "
             "excel_templates/Statement-Import-Template.xlsx and import that instead (the GL goes in "
             "excel_templates/GL-Import-Template.xlsx)",
}
API = {
    CURRENCY: "send the account's currency as 'currency' (e.g. \"GBP\"), or set the account's currency",
    DATE_ORDER: "send 'date_order': \"day_first\" or \"month_first\"",
    PROFILE: "send 'profile': the name of a layout profile that reads this bank's files",
}


def remedies(wanted, wording: dict[str, str]) -> str:
    """The remedies for what is `wanted` (field names), in one surface's words; "" when none applies."""
    return "; ".join(wording[w] for w in wanted if w in wording)
