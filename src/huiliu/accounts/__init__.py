"""Users, the roles they hold at a node of the division tree, and the scoping
function that every read and write of personal data goes through.

Access model (deny by default, explained once here):
- A user holds one or more role assignments; each is a role at a jurisdiction.
- A user's scope is the union of the subtrees of those jurisdictions; a user with
  no role assignment has an empty scope and sees nothing.
- A person is in scope when their household place or their current residence lies
  in the scope (`scope.scope_filter`). Anything else answers "not found", the same
  answer as for a record that does not exist, and the denial is audited.
- Writes need a role that writes (every role but the auditor) whose subtree holds
  the jurisdiction written to (`scope.require_write_scope`).
- Reading the audit trail needs the auditor role.
"""
