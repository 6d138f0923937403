"""Assessment and follow-ups in the demo, through the real actions, so their pages have something to show.

Each demo county assesses its townships on service indicators only; the last two closed
quarters are scored and the latest bulletin is published, so the county sees a ranking
and what moved, and its township officers read the bulletin from above. Departures with
no arrival anywhere after the configured days become follow-up tasks for their villages.
"""

import datetime

from huiliu.assessments.actions import create_scheme, publish_bulletin, score_period
from huiliu.linkage.actions import raise_follow_ups
from huiliu.reports.periods import period_containing

from .documents import _account, _subtree

COUNTIES = ("origin-county", "dest-county")
SCHEME_NAME = "流动人口服务管理目标考核（季度）"
ITEMS = (
    {"indicator": "feedback_rate", "weight": 25, "target": "95", "floor": "60"},
    {"indicator": "on_time_rate", "weight": 25, "target": "90", "floor": "50"},
    {"indicator": "service_coverage_rate", "weight": 20, "target": "60"},
    {"indicator": "proxy_on_time_rate", "weight": 10, "target": "95"},
    {"indicator": "grievances_on_time_rate", "weight": 10, "target": "90"},
    {"indicator": "data_quality_rate", "weight": 10, "target": "90"},
)
REMARKS = "请排名靠后的乡镇对照本通报查找原因，十五日内报送改进措施。"


def build_demo_assessments(*, today: datetime.date) -> dict[str, int]:
    """Set, score and publish each demo county's assessment; raise the demo's follow-ups; count what was made."""
    made = {"assessment_schemes": 0, "scored_periods": 0, "bulletins": 0}
    latest = period_containing(today, "quarter").previous()
    for username in COUNTIES:
        officer = _account(username)
        county, _high = _subtree(officer)
        scheme = create_scheme(acting_user=officer, owner_code=county, name=SCHEME_NAME, period_kind="quarter",
                               items=[dict(item) for item in ITEMS])
        made["assessment_schemes"] += 1
        for period in (latest.previous(), latest):
            score_period(acting_user=officer, scheme=scheme, period=period)
            made["scored_periods"] += 1
        publish_bulletin(acting_user=officer, scheme=scheme, period=latest, remarks=REMARKS)
        made["bulletins"] += 1
    made["follow_ups"] = raise_follow_ups(acting_user=None, today=today)
    return made
