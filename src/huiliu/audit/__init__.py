"""The audit trail: who read or changed which person's data, when, from where.

Rules: rows are only ever appended (no code path updates or deletes one); each
row carries an HMAC chained to the previous row's, so a row altered, inserted or
removed directly in the database breaks the chain at that row, and
`huiliu audit_verify` names it. Rows hold no raw ID number or phone. Reading the
trail needs the auditor role.
"""
