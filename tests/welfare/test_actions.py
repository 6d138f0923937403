"""The benefit programmes' writes: who may do what, and what each leaves behind."""

import datetime

import pytest

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.welfare import actions
from huiliu.welfare.models import (
    ApplicationStatus,
    AssistanceVisit,
    Payment,
    Programme,
    ProgrammeKind,
)
from tests import factories as f

from .conftest import DESTINATION_VILLAGE, ORIGIN_VILLAGE, REWARD_FEN


def _denials(event="write"):
    return AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, event=event)


# --- Programmes -------------------------------------------------------------------------------------------


def test_a_county_creates_a_programme_with_its_rules(reward):
    assert reward.owner_jurisdiction_id == f.ORIGIN_COUNTY
    assert reward.amount_fen == REWARD_FEN
    assert {r["rule"] for r in reward.eligibility_rules} == {"age_range", "household_in_owner_area"}
    assert AuditEvent.objects.filter(event="create_programme", object_id=str(reward.pk)).exists()


def test_a_township_cannot_own_a_programme(origin_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.create_programme(acting_user=origin_township_officer, kind=ProgrammeKind.HARDSHIP, name="镇帮扶",
                                 owner_code=f.township(f.ORIGIN_COUNTY), amount_fen=100)
    assert "owner_code" in refusal.value.errors


def test_an_amount_must_be_whole_fen_above_zero(origin_county_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.create_programme(acting_user=origin_county_officer, kind=ProgrammeKind.HARDSHIP, name="帮扶",
                                 owner_code=f.ORIGIN_COUNTY, amount_fen=12.5)
    assert "amount_fen" in refusal.value.errors


@pytest.mark.parametrize("rule", [
    {"rule": "max_children", "max": 1},
    {"rule": "age_range", "min": 60, "children": 0},
    {"rule": "only_child_family"},
    {"rule": "独生子女"},
    {"rule": "declared_hardship", "note": "无超生"},
])
def test_an_eligibility_rule_about_childbearing_history_is_refused(reward, origin_county_officer, rule):
    with pytest.raises(ValidationFailed) as refusal:
        actions.update_eligibility_rules(acting_user=origin_county_officer, programme=reward,
                                         eligibility_rules=[rule])

    assert "生育" in refusal.value.errors["eligibility_rules"][0]
    reward.refresh_from_db()
    assert {r["rule"] for r in reward.eligibility_rules} == {"age_range", "household_in_owner_area"}
    assert _denials("update_eligibility_rules").filter(object_id=str(reward.pk)).exists()


def test_an_unknown_rule_is_refused_by_name(reward, origin_county_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.update_eligibility_rules(acting_user=origin_county_officer, programme=reward,
                                         eligibility_rules=[{"rule": "income_below"}])
    assert "income_below" in refusal.value.errors["eligibility_rules"][0]


def test_the_owner_changes_the_rules(reward, origin_county_officer):
    actions.update_eligibility_rules(acting_user=origin_county_officer, programme=reward,
                                     eligibility_rules=[{"rule": "age_range", "min": 60, "max": 120}])
    assert Programme.objects.get(pk=reward.pk).eligibility_rules == [{"rule": "age_range", "min": 60, "max": 120}]


def test_another_county_cannot_change_the_rules_and_is_audited(reward, outsider_county_officer,
                                                               origin_township_officer):
    for stranger in (outsider_county_officer, origin_township_officer):
        with pytest.raises(PermissionDenied):
            actions.update_eligibility_rules(acting_user=stranger, programme=reward, eligibility_rules=[])
    assert _denials().filter(object_type="programme", object_id=str(reward.pk)).count() == 2
    assert len(Programme.objects.get(pk=reward.pk).eligibility_rules) == 2


# --- The application flow ---------------------------------------------------------------------------------


def test_an_application_goes_through_review_and_approval_and_produces_exactly_one_payment(
        application, origin_township_officer, origin_county_officer):
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.applying_jurisdiction_id == ORIGIN_VILLAGE
    assert [n["met"] for n in application.rule_notes] == [True, True]

    actions.review_application(acting_user=origin_township_officer, application=application, note="已核实")
    decided = actions.decide_application(acting_user=origin_county_officer, application=application, approve=True)

    assert decided.status == ApplicationStatus.APPROVED
    assert decided.decided_by == origin_county_officer
    payment = Payment.objects.get()
    assert payment.application == decided
    assert payment.amount_fen == REWARD_FEN
    assert payment.paying_jurisdiction_id == f.ORIGIN_COUNTY
    assert set(AuditEvent.objects.filter(object_id=str(application.person_id)).values_list("event", flat=True)) >= {
        "apply_for_benefit", "review_application", "decide_application"}


def test_an_approved_application_cannot_be_approved_again(reviewed, origin_county_officer):
    actions.decide_application(acting_user=origin_county_officer, application=reviewed, approve=True)
    with pytest.raises(ValidationFailed):
        actions.decide_application(acting_user=origin_county_officer, application=reviewed, approve=True)
    assert Payment.objects.count() == 1


def test_a_refusal_carries_its_reason(reviewed, origin_county_officer):
    refused = actions.decide_application(acting_user=origin_county_officer, application=reviewed, approve=False,
                                         reason="户籍不在本县")
    assert refused.status == ApplicationStatus.REFUSED
    assert refused.refusal_reason == "户籍不在本县"
    assert Payment.objects.count() == 0


def test_a_refusal_without_a_reason_names_the_field(reviewed, origin_county_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.decide_application(acting_user=origin_county_officer, application=reviewed, approve=False,
                                   reason="  ")
    assert list(refusal.value.errors) == ["reason"]
    reviewed.refresh_from_db()
    assert reviewed.status == ApplicationStatus.REVIEWED


def test_an_unreviewed_application_cannot_be_decided(application, origin_county_officer):
    with pytest.raises(ValidationFailed):
        actions.decide_application(acting_user=origin_county_officer, application=application, approve=True)


def test_a_migrant_applied_for_at_the_destination_is_paid_by_the_origin_programme(
        reward, migrant, destination_village_worker, origin_township_officer, origin_county_officer):
    application = actions.apply_for_benefit(acting_user=destination_village_worker, programme=reward,
                                            person=migrant)
    assert application.applying_jurisdiction_id == DESTINATION_VILLAGE

    actions.review_application(acting_user=origin_township_officer, application=application)
    actions.decide_application(acting_user=origin_county_officer, application=application, approve=True)

    payment = Payment.objects.get(application=application)
    assert payment.paying_jurisdiction_id == f.ORIGIN_COUNTY
    assert payment.amount_fen == REWARD_FEN


def test_the_destination_township_may_review_what_its_village_applied_for(
        reward, migrant, destination_village_worker, destination_township_officer):
    application = actions.apply_for_benefit(acting_user=destination_village_worker, programme=reward,
                                            person=migrant)
    reviewed = actions.review_application(acting_user=destination_township_officer, application=application)
    assert reviewed.status == ApplicationStatus.REVIEWED


def test_the_destination_county_cannot_decide_on_the_origin_programme(
        reward, migrant, destination_village_worker, destination_township_officer, destination_county_officer):
    application = actions.apply_for_benefit(acting_user=destination_village_worker, programme=reward,
                                            person=migrant)
    actions.review_application(acting_user=destination_township_officer, application=application)
    with pytest.raises(PermissionDenied):
        actions.decide_application(acting_user=destination_county_officer, application=application, approve=True)
    assert _denials().filter(object_type="benefit_application").exists()
    assert Payment.objects.count() == 0


def test_a_county_officer_under_a_city_programme_decides_for_their_county(
        resident, origin_village_worker, origin_township_officer, origin_county_officer):
    city = f.make_user(Role.CITY_OFFICER, 370100000000, "city")
    programme = actions.create_programme(acting_user=city, kind=ProgrammeKind.HARDSHIP, name="市困难家庭帮扶",
                                         owner_code=370100000000, amount_fen=50_000)
    application = actions.apply_for_benefit(acting_user=origin_village_worker, programme=programme, person=resident)
    actions.review_application(acting_user=origin_township_officer, application=application)
    decided = actions.decide_application(acting_user=origin_county_officer, application=application, approve=True)
    assert Payment.objects.get(application=decided).paying_jurisdiction_id == 370100000000


def test_an_unmet_rule_is_noted_and_blocks_approval_but_not_the_application(
        origin_county_officer, resident, origin_village_worker, origin_township_officer):
    programme = actions.create_programme(acting_user=origin_county_officer, kind=ProgrammeKind.HARDSHIP,
                                         name="困难家庭帮扶", owner_code=f.ORIGIN_COUNTY, amount_fen=30_000,
                                         eligibility_rules=[{"rule": "declared_hardship"}])
    application = actions.apply_for_benefit(acting_user=origin_village_worker, programme=programme, person=resident)
    assert application.rule_notes[0]["met"] is False
    actions.review_application(acting_user=origin_township_officer, application=application)

    with pytest.raises(ValidationFailed):
        actions.decide_application(acting_user=origin_county_officer, application=application, approve=True)
    refused = actions.decide_application(acting_user=origin_county_officer, application=application, approve=False,
                                         reason="未申报困难")
    assert refused.status == ApplicationStatus.REFUSED


def test_a_second_open_application_to_the_same_programme_is_refused(application, reward, resident,
                                                                     origin_village_worker):
    with pytest.raises(ValidationFailed) as refusal:
        actions.apply_for_benefit(acting_user=origin_village_worker, programme=reward, person=resident)
    assert "programme" in refusal.value.errors


def test_a_programme_of_another_county_does_not_serve_the_person(resident, origin_village_worker,
                                                                 outsider_county_officer):
    programme = actions.create_programme(acting_user=outsider_county_officer, kind=ProgrammeKind.HARDSHIP,
                                         name="邓州帮扶", owner_code=f.OTHER_ORIGIN_COUNTY, amount_fen=100)
    with pytest.raises(ValidationFailed) as refusal:
        actions.apply_for_benefit(acting_user=origin_village_worker, programme=programme, person=resident)
    assert "programme" in refusal.value.errors


def test_out_of_scope_writes_are_refused_and_audited(reward, resident, application, outsider_village_worker,
                                                     destination_township_officer, origin_village_worker):
    with pytest.raises(PermissionDenied):
        actions.apply_for_benefit(acting_user=outsider_village_worker, programme=reward, person=resident)
    with pytest.raises(PermissionDenied):
        actions.review_application(acting_user=destination_township_officer, application=application)
    with pytest.raises(PermissionDenied):  # a village worker is not a township
        actions.review_application(acting_user=origin_village_worker, application=application)
    assert _denials().filter(object_type="person", object_id=str(resident.pk)).exists()
    assert _denials().filter(object_type="benefit_application", object_id=str(application.pk)).count() == 2
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_township_cannot_decide(reviewed, origin_township_officer):
    with pytest.raises(PermissionDenied):
        actions.decide_application(acting_user=origin_township_officer, application=reviewed, approve=True)


# --- Special assistance families --------------------------------------------------------------------------


def test_a_special_assistance_family_has_two_liaison_contacts_and_a_visit_log(special, resident,
                                                                              origin_village_worker):
    family = actions.register_special_assistance_family(
        acting_user=origin_village_worker, programme=special, person=resident,
        first_liaison_name="刘书记", first_liaison_phone="13800000001",
        second_liaison_name="陈医生", second_liaison_phone="13800000002")
    visit = actions.record_assistance_visit(acting_user=origin_village_worker, family=family,
                                            visited_on=datetime.date.today(), note="送米面油，身体尚好")
    assert AssistanceVisit.objects.get(family=family) == visit
    assert visit.visitor == origin_village_worker


def test_a_family_without_its_second_liaison_is_refused_naming_the_fields(special, resident,
                                                                          origin_village_worker):
    with pytest.raises(ValidationFailed) as refusal:
        actions.register_special_assistance_family(
            acting_user=origin_village_worker, programme=special, person=resident,
            first_liaison_name="刘书记", first_liaison_phone="13800000001",
            second_liaison_name="", second_liaison_phone="")
    assert set(refusal.value.errors) == {"second_liaison_name", "second_liaison_phone"}


def test_a_family_is_registered_only_in_a_special_assistance_programme(reward, resident, origin_village_worker):
    with pytest.raises(ValidationFailed) as refusal:
        actions.register_special_assistance_family(
            acting_user=origin_village_worker, programme=reward, person=resident,
            first_liaison_name="刘书记", first_liaison_phone="13800000001",
            second_liaison_name="陈医生", second_liaison_phone="13800000002")
    assert "programme" in refusal.value.errors


def test_a_stranger_cannot_register_or_visit_a_family(special, resident, origin_village_worker,
                                                      outsider_village_worker):
    with pytest.raises(PermissionDenied):
        actions.register_special_assistance_family(
            acting_user=outsider_village_worker, programme=special, person=resident,
            first_liaison_name="刘书记", first_liaison_phone="13800000001",
            second_liaison_name="陈医生", second_liaison_phone="13800000002")
    family = actions.register_special_assistance_family(
        acting_user=origin_village_worker, programme=special, person=resident,
        first_liaison_name="刘书记", first_liaison_phone="13800000001",
        second_liaison_name="陈医生", second_liaison_phone="13800000002")
    with pytest.raises(PermissionDenied):
        actions.record_assistance_visit(acting_user=outsider_village_worker, family=family,
                                        visited_on=datetime.date.today(), note="探访")
    assert _denials().filter(object_type="special_assistance_family").count() == 2
