"""The fund's pages: thin, each parses, calls one action or query, and renders."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huiliu.accounts.scope import in_scope, jurisdiction_ranges
from huiliu.core.errors import ValidationFailed
from huiliu.core.forms import submit
from huiliu.core.money import yuan
from huiliu.core.views import found_or_404
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.queries import full_names
from huiliu.people.queries import list_persons

from . import actions, queries
from .export import ledger_workbook
from .forms import (
    EvaluationForm,
    FundForm,
    LoanForm,
    MoneyInForm,
    PeriodForm,
    RepaymentForm,
    RoundForm,
    RulesForm,
    WriteOffForm,
)
from .models import LoanStatus
from .rules import parse_rule_lines, rule_lines


def _may_write(user, fund) -> bool:
    return in_scope(user, fund.owner_jurisdiction_id, writing=True)


def _form_page(request, form, *, title: str, back: str, intro: str = ""):
    return render(request, "fund/form.html", {"form": form, "title": title, "back": back, "intro": intro})


@login_required
def fund_list(request):
    rows = queries.list_funds(user=request.user)
    names = full_names(fund.owner_jurisdiction_id for fund, _position in rows)
    may_create = any(codes.level_of(low) <= codes.COUNTY for low, _h in jurisdiction_ranges(request.user, writing=True))
    return render(request, "fund/list.html", {
        "rows": [{"fund": fund, "position": position, "owner": names.get(fund.owner_jurisdiction_id, "")}
                 for fund, position in rows],
        "may_create": may_create,
    })


@login_required
@require_http_methods(["GET", "POST"])
def fund_new(request):
    form = FundForm(request.POST or None, initial={"screening_rules": rule_lines(actions.DEFAULT_RULES)})
    fund = submit(request, form, lambda data: actions.create_fund(
        acting_user=request.user, name=data["name"], owner_code=data["owner_code"],
        screening_rules=parse_rule_lines(data["screening_rules"]), min_loan_fen=data["min_loan"],
        max_loan_fen=data["max_loan"], default_term_months=data["default_term_months"]))
    if fund:
        messages.success(request, _("Fund %(name)s set up.") % {"name": fund.name})
        return redirect("fund:fund_detail", fund_id=fund.pk)
    return _form_page(request, form, title=_("Set up a fund"), back="")


@login_required
def fund_detail(request, fund_id):
    fund = found_or_404(queries.access_fund, request.user, fund_id)
    today = timezone.localdate()
    return render(request, "fund/detail.html", {
        "fund": fund, "position": queries.fund_position(fund),
        "owner": full_names([fund.owner_jurisdiction_id]).get(fund.owner_jurisdiction_id, ""),
        "rounds": queries.round_results(fund),
        "open_round": fund.rounds.filter(closed_on__isnull=True).first(),
        "due": queries.due_this_month(fund, today=today),
        "overdue": queries.overdue_installments(fund, today=today),
        "loans": queries.loan_rows(fund, queries.loans_of(fund).filter(status=LoanStatus.ACTIVE)),
        "settled": queries.loan_rows(fund, queries.loans_of(fund).exclude(status=LoanStatus.ACTIVE)),
        "may_write": _may_write(request.user, fund), "today": today,
    })


@login_required
def ledger_export(request, fund_id):
    fund = found_or_404(queries.access_fund, request.user, fund_id, event="export")
    period = PeriodForm(request.GET)
    period.is_valid()
    content = ledger_workbook(acting_user=request.user, fund=fund, start=period.cleaned_data.get("start"),
                              end=period.cleaned_data.get("end"))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="fund-ledger-{timezone.localdate():%Y%m%d}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


def _fund_form(request, fund_id, form_class, run, *, title: str, done: str, initial=None):
    fund = found_or_404(queries.access_fund, request.user, fund_id)
    form = form_class(request.POST or None, initial=initial(fund) if initial else {"occurred_on": timezone.localdate(),
                                                                                   "day": timezone.localdate()})
    result = submit(request, form, lambda data: run(fund, data))
    if result:
        messages.success(request, done)
        return redirect("fund:fund_detail", fund_id=fund.pk)
    return _form_page(request, form, title=f"{title}：{fund.name}", back=fund.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def rules(request, fund_id):
    return _fund_form(request, fund_id, RulesForm, lambda fund, data: actions.update_fund_rules(
        acting_user=request.user, fund=fund, screening_rules=parse_rule_lines(data["screening_rules"]),
        min_loan_fen=data["min_loan"], max_loan_fen=data["max_loan"],
        default_term_months=data["default_term_months"]),
        title=_("Screening rules and loan bounds"), done=_("Rules saved."),
        initial=lambda fund: {"screening_rules": rule_lines(fund.screening_rules),
                              "min_loan": yuan(fund.min_loan_fen), "max_loan": yuan(fund.max_loan_fen),
                              "default_term_months": fund.default_term_months})


@login_required
@require_http_methods(["GET", "POST"])
def donation(request, fund_id):
    return _fund_form(request, fund_id, MoneyInForm, lambda fund, data: actions.record_donation(
        acting_user=request.user, fund=fund, amount_fen=data["amount"], occurred_on=data["occurred_on"],
        donor=data["counterparty"], note=data["note"]), title=_("Record a donation"), done=_("Donation recorded."))


@login_required
@require_http_methods(["GET", "POST"])
def allocation(request, fund_id):
    return _fund_form(request, fund_id, MoneyInForm, lambda fund, data: actions.record_allocation(
        acting_user=request.user, fund=fund, amount_fen=data["amount"], occurred_on=data["occurred_on"],
        source=data["counterparty"], note=data["note"]), title=_("Record an allocation"),
        done=_("Allocation recorded."))


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request, fund_id):
    return _fund_form(request, fund_id, RoundForm, lambda fund, data: actions.open_round(
        acting_user=request.user, fund=fund, opened_on=data["day"]), title=_("Open the next round"),
        done=_("Round opened."))


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request, fund_id):
    return _fund_form(request, fund_id, RoundForm, lambda fund, data: actions.close_round(
        acting_user=request.user, fund=fund, closed_on=data["day"]), title=_("Close the open round"),
        done=_("Round closed."))


@login_required
@require_http_methods(["GET", "POST"])
def loan_new(request, fund_id):
    fund = found_or_404(queries.access_fund, request.user, fund_id)
    today = timezone.localdate()
    form = LoanForm(request.POST or None, fund=fund, initial={"agreement_signed_on": today, "disbursed_on": today})

    def run(data):
        borrower = list_persons(user=request.user, query=data["borrower_id_number"]).first()
        if borrower is None:
            raise ValidationFailed({"borrower_id_number": [_("No person with this ID number in your area.")]})
        return actions.grant_loan(
            acting_user=request.user, fund=fund, borrower=borrower, amount_fen=data["amount"],
            purpose=data["purpose"], business_plan=data["business_plan"], guarantors=data["guarantors"],
            guarantee_village_code=data["guarantee_village_code"], agreement_signed_on=data["agreement_signed_on"],
            disbursed_on=data["disbursed_on"], term_months=data["term_months"],
            screening_confirmed=data["screening_confirmed"])

    loan = submit(request, form, run)
    if loan:
        messages.success(request, _("Loan granted."))
        return redirect("fund:loan_detail", loan_id=loan.pk)
    return _form_page(request, form, title=f"{_('Grant a loan')}：{fund.name}", back=fund.get_absolute_url(),
                      intro=_("No one may be refused, or preferred, for her childbearing history."))


@login_required
def loan_detail(request, loan_id):
    loan = found_or_404(queries.access_loan, request.user, loan_id)
    position = queries.loan_position(loan)
    return render(request, "fund/loan_detail.html", {
        "loan": loan, "position": position, "schedule": queries.schedule(loan),
        "evaluations": loan.evaluations.order_by("evaluated_on"),
        "entries": loan.entries.select_related("recorded_by", "approved_by").order_by("occurred_on", "id"),
        "may_write": _may_write(request.user, loan.fund), "today": timezone.localdate(),
        "places": full_names([loan.guarantee_village_id]).get(loan.guarantee_village_id, ""),
    })


def _loan_form(request, loan_id, form_class, run, *, title: str, done: str):
    loan = found_or_404(queries.access_loan, request.user, loan_id)
    form = form_class(request.POST or None, initial={"occurred_on": timezone.localdate(),
                                                     "evaluated_on": timezone.localdate()})
    result = submit(request, form, lambda data: run(loan, data))
    if result:
        messages.success(request, done)
        return redirect("fund:loan_detail", loan_id=loan.pk)
    return _form_page(request, form, title=f"{title}：{loan.borrower.name}", back=loan.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def repayment(request, loan_id):
    return _loan_form(request, loan_id, RepaymentForm, lambda loan, data: actions.record_repayment(
        acting_user=request.user, loan=loan, amount_fen=data["amount"], occurred_on=data["occurred_on"],
        note=data["note"]), title=_("Record a repayment"), done=_("Repayment recorded."))


@login_required
@require_http_methods(["GET", "POST"])
def write_off(request, loan_id):
    def run(loan, data):
        approver = get_user_model().objects.filter(username=data["approver_username"].strip(), is_active=True).first()
        return actions.write_off_loan(acting_user=request.user, loan=loan, approved_by=approver,
                                      reason=data["reason"], occurred_on=data["occurred_on"])

    return _loan_form(request, loan_id, WriteOffForm, run, title=_("Write off the loan"),
                      done=_("The loan is written off."))


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request, loan_id):
    return _loan_form(request, loan_id, EvaluationForm, lambda loan, data: actions.record_evaluation(
        acting_user=request.user, loan=loan, stage=data["stage"], income_before_fen=data["income_before"],
        income_after_fen=data["income_after"], use_of_money=data["use_of_money"], findings=data["findings"],
        evaluated_on=data["evaluated_on"]), title=_("Record an evaluation"), done=_("Evaluation recorded."))


@login_required
def figures(request):
    period = PeriodForm(request.GET)
    period.is_valid()
    today = timezone.localdate()
    end = period.cleaned_data.get("end") or today
    start = period.cleaned_data.get("start") or datetime.date(end.year, 1, 1)
    rows = queries.report_figures(user=request.user, start=start, end=end)
    names = full_names(row["jurisdiction_code"] for row in rows)
    for row in rows:
        row["name"] = names.get(row["jurisdiction_code"], "")
    return render(request, "fund/figures.html", {"rows": rows, "start": start, "end": end})
