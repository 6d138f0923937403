"""The exchange: messages between jurisdictions, and the agreements that frame them.

A message goes from one office (a division code) to another: a notice that expects
feedback by a deadline, a request that expects a decision, an inquiry that expects
findings, or the answer to one of these. Registering an arrival, a departure or a
change of status sends its notice by itself (through the domain events of
`core.events`), so nobody types it twice.

Rules:
- Every message that expects an answer has a deadline from its type's answer period.
  "Overdue" is a fact of the data (unanswered and past the deadline), never a flag
  someone must remember to set; an answer stops the clock.
- Feedback rate, on-time rate and time to answer are computed from the messages,
  never typed in (`queries.compute_rates`).
- A message is seen by the offices whose scope holds its sender or its receiver,
  and by nobody else; opening one about a person is audited as a read of that person.
- Between deployments (`federation`): a deployment serves some division-code
  prefixes; a message for any other code is queued for the peer that serves it,
  signed with this deployment's Ed25519 key, retried with backoff, and accepted by
  the peer once (by message id). Peers and their keys are configured by hand; an
  unknown peer, a bad signature or a replayed request is refused and audited (up to
  a limit per client address a minute, then answered 429 and only logged). Nobody
  speaks for an office this deployment serves, and only a hub (HUILIU_EXCHANGE_HUB)
  passes on messages for offices it does not serve. A peer's answer stops the clock
  no earlier than the question and no later than now; its proxy decision decides the
  application held here (`certificates.actions.record_peer_decision`).
- A township never sends a notice to itself. An arrival answers the open outflow
  notice sent to its township ("confirmed"); a departure registered after the
  arrival sends no outflow notice.

Cooperation agreements (双向互动协议) and liaison stations (联络站) live here too: they
are the standing arrangements between two places that the messages work within.
"""
