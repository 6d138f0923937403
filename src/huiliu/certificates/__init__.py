"""Status certificates (婚育情况证明), issued on the person's request, and proxy applications (代办).

The origin township issues a certificate for a person of its household subtree,
only at that person's request: in person, or through a proxy application recorded
by the office where the person lives, so nobody travels. A certificate freezes a
snapshot of the person at issue (later edits never change it); a change issues a
new version that supersedes the old; revocation needs a reason; every step is
audited. Nothing in the system depends on a person having a certificate.

Certificates print as one-page A4 PDFs with a signed QR code (`core.signed_codes`)
that verifies offline. The public verification page, for vouchers and
certificates alike, shows only valid or invalid, the status and the masked name,
and is rate-limited per client address.
"""
