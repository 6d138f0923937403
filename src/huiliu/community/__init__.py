"""Community: the work done with migrants where they live, beside the registry.

It owns service agreements (管理服务合同) between a township or village office and a migrant, with the
office's own commitments; partner units (employers, landlords, markets) with their credit code, the migrants
they employ or house and their responsibility agreements; migrants' associations with branches, officers,
members and activities; liaison volunteers; and pairings of officers with migrants, with a log of contacts.

Rules:
- A service agreement lists both sides' obligations, but only the office's commitments are tracked: each has a
  deadline, and one not fulfilled by it is missed (derived from the dates, never stored) and shows on the
  office's page. The migrant's obligations are text: there are no fines, penalties or consequences for
  individuals anywhere in this app.
- A unified social credit code is checked with python-stdnum (cn.uscc); employers and markets give one, a
  landlord who is a private person may have none (and no ID number is asked instead).
- Every write is one action in one transaction with its audit row, refused outside the writer's scope; every
  read goes through the scope, and a row out of scope answers as a missing one. Phones and ID numbers are
  masked in lists.
- A liaison volunteer's certificate number is the appointing office's code, the year and a sequence
  (440306001-2026-L000001), unique per office.
"""
