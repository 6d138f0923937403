"""Voluntary services to migrants where they live: service records, offers and reminders, service-priority groups.

Owns:
- Service records: a service given to a person (reproductive-health check-up, contraceptive supplies, counselling,
  prenatal-care referral, postpartum visit, legal aid, job or training referral, school enrolment help for a child,
  left-behind family visit), kept by the office that recorded it.
- Service offers: a service offered to a person, with its reminder and the person's answer.
- Service-priority groups (分类管理): a county's rules that place each person it serves in a group.

Rules:
- Every service is voluntary. A health service is recorded only with the person's informed choice and consent
  (given, how, when; for supplies the method the person chose); without it nothing is written.
- A health result is seen only by a health worker over the office that keeps the record (or the household
  township that recognised it); others see that the service happened. The health fields are absent from the pages
  and from the API for them, and every reading of a result is audited.
- Mutual recognition: a service recorded at the destination counts at the household place (the exchange reports it
  and the origin recognises it on receipt); nobody is asked to repeat it. Results do not travel.
- Declining an offer is a valid answer: it changes nothing but the offer. Nothing here asks about pregnancy for any
  purpose of control, and no service depends on a certificate or a childbearing history.
"""
