"""Imports: persons, departures, arrivals and service records brought in from CSV and XLSX, and the same ledgers
exported.

Owns the saved column mappings (per user, shared with their office) and the import
batches (a file's hash, mapping, check report and counts). Rules: every row is
checked before anything is written (ID check digit, division codes in the tree,
dates, required fields, duplicates inside the file, an ID number already registered
under another name, the people rules); the problems are reported by line, column
header and value, on the page and as XLSX; then the valid rows go in as one
transaction, or nothing does. Each row stays in the user's writing scope. Importing
the same file again changes nothing (rows already recorded alike count as
unchanged). Persons are checked column-wise and written in bulk below the ORM; the
import's one audit event names the persons it created (their keys ascend: the first
and the last). Departures and arrivals go through the people actions (their rules and
notices), service records through the services action (its consent and scope rules,
its report to the household place): a row names a person registered in the user's
area (one unknown and one registered elsewhere are refused in the same words), and a
health service goes in only with the person's informed consent as the file states it,
never assumed. An export holds full values, so it needs a writing role and covers
only that role's subtree (no health results), and is audited with its row count.

Also owns census reconciliation (清查): a census of a jurisdiction on a date, its roll
classified against the registry as matched, new (a proposed arrival), changed (a
proposed update) or registered but not found (a proposed follow-up: a check of the
record, never a pursuit). Nothing in the registry changes until an officer accepts a
proposal; accepting goes through the people actions.
"""
