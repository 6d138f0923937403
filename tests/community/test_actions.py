"""The community's writes: who may record what, what each leaves behind, and what is refused."""

import datetime
import re

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.community import actions
from huiliu.community.models import (
    Activity,
    ActivityKind,
    AssociationMember,
    Commitment,
    Contact,
    ContactWay,
    LiaisonVolunteer,
    PartnerKind,
    PartnerUnit,
    ServiceAgreement,
)
from huiliu.core.errors import PermissionDenied, ValidationFailed
from tests import factories as f

from .conftest import (
    DESTINATION_TOWNSHIP,
    DESTINATION_VILLAGE,
    OTHER_TOWNSHIP,
    credit_code,
    days_ago,
)

CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
RAW_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")


def _denials():
    return AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, event="write")


# --- Service agreements -----------------------------------------------------------------------------------


def test_an_agreement_is_recorded_with_its_commitments_and_audited(agreement, migrant):
    assert agreement.office_id == DESTINATION_TOWNSHIP and agreement.person == migrant
    assert agreement.office_obligation_lines == ["同等提供免费服务", "保护个人信息"]
    assert agreement.migrant_obligation_lines == ["搬家或离开时告知"]
    assert agreement.commitments.count() == 2
    event = AuditEvent.objects.get(event="sign_service_agreement")
    assert event.object_id == str(migrant.pk) and event.detail["commitments"] == 2
    assert not RAW_ID.search(str(event.detail))


def test_a_commitment_past_its_deadline_and_unfulfilled_is_missed(agreement):
    today = timezone.localdate()
    due_past, due_later = agreement.commitments.order_by("deadline")
    assert due_past.is_missed(today)
    assert not due_later.is_missed(today)


def test_a_commitment_fulfilled_after_its_deadline_stays_missed_and_one_on_time_is_not(
        agreement, destination_township_officer):
    today = timezone.localdate()
    due_past, due_later = agreement.commitments.order_by("deadline")
    late = actions.record_commitment_fulfilled(acting_user=destination_township_officer, commitment=due_past,
                                               fulfilled_on=days_ago(1), note="已补办")
    on_time = actions.record_commitment_fulfilled(acting_user=destination_township_officer, commitment=due_later,
                                                  fulfilled_on=today)
    assert late.is_missed(today) and not on_time.is_missed(today)
    assert AuditEvent.objects.get(event="record_commitment_fulfilled", detail__late=True)


def test_a_commitment_is_recorded_fulfilled_only_once(agreement, destination_township_officer):
    commitment = agreement.commitments.first()
    actions.record_commitment_fulfilled(acting_user=destination_township_officer, commitment=commitment,
                                        fulfilled_on=days_ago(2))
    with pytest.raises(ValidationFailed) as refusal:
        actions.record_commitment_fulfilled(acting_user=destination_township_officer, commitment=commitment,
                                            fulfilled_on=days_ago(1))
    assert "fulfilled_on" in refusal.value.errors
    commitment.refresh_from_db()
    assert commitment.fulfilled_on == days_ago(2)


def test_an_agreement_records_no_fine_penalty_or_consequence_for_the_migrant():
    names = {field.name for model in (ServiceAgreement, Commitment) for field in model._meta.get_fields()}
    assert not {n for n in names if re.search(r"fine|penalt|sanction|punish|consequence|breach|fee", n)}


def test_a_person_who_neither_lives_nor_is_registered_in_the_office_area_is_refused(
        destination_township_officer, origin_village_worker):
    resident = f.register_resident(origin_village_worker, name="张桂兰")
    with pytest.raises(ValidationFailed) as refusal:
        actions.sign_service_agreement(acting_user=destination_township_officer, office_code=DESTINATION_TOWNSHIP,
                                       person=resident, signed_on=days_ago(1), term_end=days_ago(-100))
    assert "person" in refusal.value.errors
    assert not ServiceAgreement.objects.exists()


def test_an_office_outside_the_users_scope_cannot_record_an_agreement_and_the_refusal_is_audited(outsider, migrant):
    with pytest.raises(PermissionDenied):
        actions.sign_service_agreement(acting_user=outsider, office_code=DESTINATION_TOWNSHIP, person=migrant,
                                       signed_on=days_ago(1), term_end=days_ago(-100))
    assert not ServiceAgreement.objects.exists()
    assert _denials().filter(object_type="service_agreement").exists()


def test_a_village_office_signs_but_a_county_is_not_a_signing_office(destination_county_officer, migrant):
    actions.sign_service_agreement(acting_user=destination_county_officer, office_code=DESTINATION_VILLAGE,
                                   person=migrant, signed_on=days_ago(1), term_end=days_ago(-100))
    with pytest.raises(ValidationFailed) as refusal:
        actions.sign_service_agreement(acting_user=destination_county_officer, office_code=f.DESTINATION_COUNTY,
                                       person=migrant, signed_on=days_ago(1), term_end=days_ago(-100))
    assert "office_code" in refusal.value.errors


@pytest.mark.parametrize(("signed_on", "term_end", "deadline", "field"), [
    (days_ago(-1), days_ago(-100), days_ago(-5), "signed_on"),
    (days_ago(10), days_ago(11), days_ago(5), "term_end"),
    (days_ago(10), days_ago(-100), days_ago(11), "commitments"),
])
def test_bad_dates_are_refused_and_nothing_is_written(destination_township_officer, migrant, signed_on, term_end,
                                                      deadline, field):
    with pytest.raises(ValidationFailed) as refusal:
        actions.sign_service_agreement(acting_user=destination_township_officer, office_code=DESTINATION_TOWNSHIP,
                                       person=migrant, signed_on=signed_on, term_end=term_end,
                                       commitments=[{"description": "及时办理", "deadline": deadline}])
    assert field in refusal.value.errors
    assert not ServiceAgreement.objects.exists() and not Commitment.objects.exists()


def test_another_office_cannot_add_or_fulfil_a_commitment(agreement, outsider):
    with pytest.raises(PermissionDenied):
        actions.add_commitment(acting_user=outsider, agreement=agreement, description="x", deadline=days_ago(0))
    with pytest.raises(PermissionDenied):
        actions.record_commitment_fulfilled(acting_user=outsider, commitment=agreement.commitments.first(),
                                            fulfilled_on=days_ago(0))
    assert agreement.commitments.count() == 2
    assert not agreement.commitments.filter(fulfilled_on__isnull=False).exists()


# --- Partner units ----------------------------------------------------------------------------------------


def test_a_unit_is_registered_with_its_compact_credit_code(factory):
    assert factory.credit_code == credit_code()
    assert AuditEvent.objects.filter(event="register_partner_unit", object_id=str(factory.pk)).exists()


def test_an_invalid_credit_code_is_refused_naming_the_field(destination_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.register_partner_unit(acting_user=destination_township_officer, kind=PartnerKind.MARKET,
                                      name="农贸市场", jurisdiction_code=DESTINATION_VILLAGE, responsible_person="王",
                                      credit_code=credit_code()[:-1] + "0")
    assert list(refusal.value.errors) == ["credit_code"]
    assert not PartnerUnit.objects.exists()


def test_an_employer_needs_a_credit_code_but_a_private_landlord_may_have_none(destination_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.register_partner_unit(acting_user=destination_township_officer, kind=PartnerKind.EMPLOYER,
                                      name="无名厂", jurisdiction_code=DESTINATION_VILLAGE, responsible_person="王")
    assert "credit_code" in refusal.value.errors
    landlord = actions.register_partner_unit(acting_user=destination_township_officer, kind=PartnerKind.LANDLORD,
                                             name="刘家出租屋", jurisdiction_code=DESTINATION_VILLAGE,
                                             responsible_person="刘大妈")
    assert landlord.credit_code == ""


def test_a_credit_code_is_registered_once(factory, destination_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.register_partner_unit(acting_user=destination_township_officer, kind=PartnerKind.EMPLOYER,
                                      name="又一家", jurisdiction_code=DESTINATION_VILLAGE, responsible_person="王",
                                      credit_code=credit_code().lower())
    assert "credit_code" in refusal.value.errors


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY -abc", min_size=0, max_size=22))
def test_any_typed_credit_code_is_either_valid_by_stdnum_or_refused_naming_the_field(typed):
    try:
        code = actions.validate_credit_code(typed)
    except ValidationFailed as refusal:
        assert list(refusal.errors) == ["credit_code"]
    else:
        assert uscc.is_valid(code) and len(code) == 18


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.text(alphabet=CODE_CHARACTERS, min_size=9, max_size=9))
def test_every_code_with_its_check_character_is_accepted(registration, organisation):
    body = registration + organisation
    check = uscc.calc_check_digit(body)
    assert actions.validate_credit_code(body + check) == body + check


def test_a_unit_outside_the_scope_is_refused(outsider):
    with pytest.raises(PermissionDenied):
        actions.register_partner_unit(acting_user=outsider, kind=PartnerKind.LANDLORD, name="x",
                                      jurisdiction_code=DESTINATION_VILLAGE, responsible_person="王")
    assert _denials().filter(object_type="partner_unit").exists()


def test_a_unit_lists_the_migrants_it_employs_with_dates_and_ends_a_link(factory, migrant,
                                                                          destination_township_officer):
    link = actions.link_person_to_unit(acting_user=destination_township_officer, unit=factory, person=migrant,
                                       started_on=days_ago(30))
    with pytest.raises(ValidationFailed):
        actions.link_person_to_unit(acting_user=destination_township_officer, unit=factory, person=migrant,
                                    started_on=days_ago(3))
    ended = actions.end_unit_person(acting_user=destination_township_officer, link=link, ended_on=days_ago(2))
    assert ended.ended_on == days_ago(2)
    again = actions.link_person_to_unit(acting_user=destination_township_officer, unit=factory, person=migrant,
                                        started_on=days_ago(1))
    assert again.pk != link.pk


def test_a_person_outside_the_writers_scope_cannot_be_linked(factory, destination_township_officer,
                                                             origin_village_worker):
    resident = f.register_resident(origin_village_worker, name="张桂兰")
    with pytest.raises(PermissionDenied):
        actions.link_person_to_unit(acting_user=destination_township_officer, unit=factory, person=resident,
                                    started_on=days_ago(3))
    assert not factory.people.exists()


def test_a_responsibility_agreement_needs_its_duties(factory, destination_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.sign_responsibility_agreement(acting_user=destination_township_officer, unit=factory,
                                              signed_on=days_ago(5), term_end=days_ago(-360), duties="  ")
    assert "duties" in refusal.value.errors
    signed = actions.sign_responsibility_agreement(
        acting_user=destination_township_officer, unit=factory, signed_on=days_ago(5), term_end=days_ago(-360),
        duties="告知员工免费服务项目\n\n配合开展服务")
    assert signed.duties == "告知员工免费服务项目\n配合开展服务"


# --- Associations -----------------------------------------------------------------------------------------


def test_an_association_gets_branches_officers_members_and_activities(association, migrant,
                                                                      destination_township_officer):
    user = destination_township_officer
    branch = actions.add_branch(acting_user=user, association=association, name="电子厂分会", place="宝安大道 88 号")
    officer = actions.elect_officer(acting_user=user, association=association, person=migrant, post="会长",
                                    elected_on=days_ago(300), term_end=days_ago(-700))
    named = actions.elect_officer(acting_user=user, association=association, name="赵大成", post="副会长",
                                  elected_on=days_ago(300), term_end=days_ago(-700))
    actions.admit_member(acting_user=user, association=association, person=migrant, joined_on=days_ago(200),
                         branch=branch)
    actions.admit_member(acting_user=user, association=association, name="钱小红", joined_on=days_ago(100))
    actions.record_activity(acting_user=user, association=association, held_on=days_ago(10),
                            kind=ActivityKind.HEALTH_TALK, participants=45, description="健康知识讲座")
    assert officer.name == migrant.name and named.person is None
    assert AssociationMember.objects.filter(association=association).count() == 2
    assert Activity.objects.get().participants == 45


def test_a_member_joins_once_and_needs_a_person_or_a_name(association, migrant, destination_township_officer):
    actions.admit_member(acting_user=destination_township_officer, association=association, person=migrant,
                         joined_on=days_ago(5))
    with pytest.raises(ValidationFailed):
        actions.admit_member(acting_user=destination_township_officer, association=association, person=migrant,
                             joined_on=days_ago(1))
    with pytest.raises(ValidationFailed) as refusal:
        actions.admit_member(acting_user=destination_township_officer, association=association, joined_on=days_ago(1))
    assert "name" in refusal.value.errors


def test_an_officer_is_not_elected_before_the_association_was_founded(association, destination_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.elect_officer(acting_user=destination_township_officer, association=association, name="赵",
                              post="会长", elected_on=days_ago(500), term_end=days_ago(-100))
    assert "elected_on" in refusal.value.errors


@pytest.mark.parametrize("participants", [-1, 2.5, True, "12"])
def test_participants_are_a_whole_count(association, destination_township_officer, participants):
    with pytest.raises(ValidationFailed) as refusal:
        actions.record_activity(acting_user=destination_township_officer, association=association,
                                held_on=days_ago(1), kind=ActivityKind.TRAINING, participants=participants)
    assert "participants" in refusal.value.errors


def test_another_office_cannot_change_an_association(association, outsider):
    with pytest.raises(PermissionDenied):
        actions.add_branch(acting_user=outsider, association=association, name="分会")
    assert not association.branches.exists()


def test_an_auditor_cannot_write(association, auditor, tree):
    watcher = f.make_user(Role.AUDITOR, f.DESTINATION_COUNTY, "dest-auditor")
    with pytest.raises(PermissionDenied):
        actions.record_activity(acting_user=watcher, association=association, held_on=days_ago(1),
                                kind=ActivityKind.OTHER, participants=3)


# --- Liaison volunteers -----------------------------------------------------------------------------------


def test_volunteer_certificates_are_numbered_per_office_and_year(migrant, destination_township_officer,
                                                                 destination_village_worker):
    first = actions.appoint_liaison_volunteer(acting_user=destination_township_officer,
                                              office_code=DESTINATION_TOWNSHIP, person=migrant,
                                              appointed_on=days_ago(3), group="电子厂三号车间的老乡")
    second = actions.appoint_liaison_volunteer(acting_user=destination_township_officer,
                                               office_code=DESTINATION_TOWNSHIP, person=migrant,
                                               appointed_on=days_ago(2), group="城中村出租屋住户")
    village = actions.appoint_liaison_volunteer(acting_user=destination_village_worker,
                                                office_code=DESTINATION_VILLAGE, person=migrant,
                                                appointed_on=days_ago(1), group="本村务工人员")
    year = days_ago(3).year
    assert first.certificate_number == f"{DESTINATION_TOWNSHIP // 1000:09d}-{year}-L000001"
    assert second.certificate_number.endswith("-L000002")
    assert village.certificate_number == f"{DESTINATION_VILLAGE:012d}-{days_ago(1).year}-L000001"
    assert LiaisonVolunteer.objects.count() == 3


def test_a_volunteer_must_be_of_the_offices_area_and_name_a_group(migrant, tree):
    other = f.make_user(Role.TOWNSHIP_OFFICER, OTHER_TOWNSHIP, "other")
    with pytest.raises(ValidationFailed) as refusal:
        actions.appoint_liaison_volunteer(acting_user=other, office_code=OTHER_TOWNSHIP, person=migrant,
                                          appointed_on=days_ago(1), group="")
    assert {"id_number", "group"} <= set(refusal.value.errors)


# --- Pairings ---------------------------------------------------------------------------------------------


def test_an_officer_is_paired_with_migrants_and_logs_each_contact(migrant, destination_township_officer,
                                                                  destination_village_worker):
    pairing = actions.pair_officer(acting_user=destination_township_officer, officer=destination_village_worker,
                                   started_on=days_ago(30), persons=[migrant], note="重点联系新婚家庭")
    assert pairing.office_id == DESTINATION_VILLAGE
    contact = actions.log_contact(acting_user=destination_village_worker, pairing=pairing, person=migrant,
                                  contacted_on=days_ago(2), way=ContactWay.VISIT, note="上门了解孩子入学情况")
    assert Contact.objects.get() == contact
    event = AuditEvent.objects.get(event="log_contact")
    assert event.object_id == str(migrant.pk)


def test_a_person_outside_the_officers_area_is_not_paired(destination_township_officer, destination_village_worker,
                                                          tree):
    elsewhere = f.register_arrival(destination_township_officer, number=f.id_number(), name="孙丽",
                                   residence_code=f.village(f.DESTINATION_COUNTY, 1, 2)).person
    with pytest.raises(ValidationFailed) as refusal:
        actions.pair_officer(acting_user=destination_township_officer, officer=destination_village_worker,
                             started_on=days_ago(3), persons=[elsewhere])
    assert "id_numbers" in refusal.value.errors


def test_a_contact_is_logged_only_for_a_paired_person_and_not_before_the_pairing(
        migrant, destination_township_officer, destination_village_worker):
    pairing = actions.pair_officer(acting_user=destination_township_officer, officer=destination_village_worker,
                                   started_on=days_ago(5))
    with pytest.raises(ValidationFailed) as refusal:
        actions.log_contact(acting_user=destination_village_worker, pairing=pairing, person=migrant,
                            contacted_on=days_ago(9), way=ContactWay.PHONE)
    assert {"person", "contacted_on"} <= set(refusal.value.errors)
    actions.add_paired_person(acting_user=destination_village_worker, pairing=pairing, person=migrant)
    actions.log_contact(acting_user=destination_village_worker, pairing=pairing, person=migrant,
                        contacted_on=days_ago(1), way=ContactWay.MESSAGE)


def test_an_officer_of_another_area_cannot_be_paired_by_this_office(destination_township_officer, outsider):
    with pytest.raises(PermissionDenied):
        actions.pair_officer(acting_user=destination_township_officer, officer=outsider, started_on=days_ago(1))


def test_dates_in_the_future_are_refused(factory, destination_township_officer, migrant):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refusal:
        actions.link_person_to_unit(acting_user=destination_township_officer, unit=factory, person=migrant,
                                    started_on=tomorrow)
    assert "started_on" in refusal.value.errors
