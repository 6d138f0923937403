"""A few documents in the demo, made through the real actions by the demo accounts.

The bulk load writes rows; documents need numbers, snapshots, audit rows and their
exchange messages, so they go through `births` and `certificates` like a user's
would: certificates issued in person at the origin township, proxy applications
from the destination village (one issued, one left for the origin's queue), and
birth registrations filed and confirmed at the destination village.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import F

from huiliu.births.actions import confirm_birth_registration, file_birth_registration
from huiliu.births.models import Channel, FiledAt
from huiliu.certificates.actions import apply_by_proxy, decide_proxy_application, issue_certificate
from huiliu.jurisdictions import codes
from huiliu.people.models import MigrationStatus, Person

CERTIFICATES = 3
PROXY_APPLICATIONS = 2
BIRTH_REGISTRATIONS = 3


def _account(username: str):
    return get_user_model().objects.get(username=username)


def _subtree(user):
    low, high = codes.subtree_range(user.role_assignments.get().jurisdiction_id)
    return low, high


def issue_demo_documents(*, today: datetime.date) -> dict[str, int]:
    """Issue the demo's certificates, proxy applications and birth registrations; count what was made."""
    origin, destination = _account("origin-township"), _account("dest-village")
    origin_low, origin_high = _subtree(origin)
    village_low, village_high = _subtree(destination)
    made = {"certificates": 0, "proxy_applications": 0, "birth_registrations": 0}

    at_home = Person.objects.filter(household_jurisdiction_id__gte=origin_low, household_jurisdiction_id__lte=origin_high,
                                    residence_jurisdiction_id=F("household_jurisdiction_id"))
    for person in at_home.order_by("id_number")[:CERTIFICATES]:
        issue_certificate(acting_user=origin, person=person, requested_by="in_person")
        made["certificates"] += 1

    # People of the origin township who live in the destination village: the case proxy applications are for.
    away = Person.objects.filter(
        household_jurisdiction_id__gte=origin_low, household_jurisdiction_id__lte=origin_high,
        residence_jurisdiction_id__gte=village_low, residence_jurisdiction_id__lte=village_high,
        migrations__status=MigrationStatus.ARRIVED,
    ).order_by("id_number")
    for index, person in enumerate(away[:PROXY_APPLICATIONS]):
        application = apply_by_proxy(acting_user=destination, person=person, purpose="办理居住证")
        if index == 0:
            decide_proxy_application(acting_user=origin, application=application, issue=True)
        made["proxy_applications"] += 1

    mothers = Person.objects.filter(
        residence_jurisdiction_id__gte=village_low, residence_jurisdiction_id__lte=village_high, sex="F",
        birth_date__gte=today.replace(year=today.year - 35), birth_date__lte=today.replace(year=today.year - 22),
        migrations__status=MigrationStatus.ARRIVED,
    ).order_by("id_number")
    for index, mother in enumerate(mothers[:BIRTH_REGISTRATIONS]):
        registration = file_birth_registration(
            acting_user=destination, channel=Channel.WORKER, filed_at=FiledAt.RESIDENCE,
            jurisdiction_code=mother.residence_jurisdiction_id, mother_name=mother.name,
            mother_id_number=mother.id_number, marital_status=mother.marital_status,
            household_code=mother.household_jurisdiction_id, residence_code=mother.residence_jurisdiction_id,
            residence_address=mother.residence_address, existing_children=0,
            expected_birth_date=today + datetime.timedelta(days=90 + 30 * index),
        )
        confirm_birth_registration(acting_user=destination, registration=registration)
        made["birth_registrations"] += 1
    return made
