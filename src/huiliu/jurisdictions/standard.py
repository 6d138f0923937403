"""Province, city and county codes and names from python-stdnum's GB/T 2260 data."""

import re
from importlib.resources import files

_LINE = re.compile(r'^(\s*)(\d+) (?:province|county)="(.*)"$')
_ALTERNATIVE = re.compile(r"^(?:\[(\d*)-(\d*)\])?(.*)$")


def _current_name(names: str) -> str | None:
    """The name in use today, or None when every name has an end year (abolished)."""
    for alternative in names.split(","):
        _start, end, name = _ALTERNATIVE.match(alternative).groups()
        if not end:
            return name
    return None


def standard_divisions() -> list[tuple[int, str]]:
    """Every province, city and county in use today, as (12-digit code, name), by code."""
    rows: dict[int, str] = {}
    province = None
    for line in files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8").splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        indent, digits, names = match.groups()
        name = _current_name(names)
        if not indent:
            province = digits
            code6 = digits + "0000"
        else:
            code6 = province + digits
            if digits == "0000":
                continue  # the province repeated as a county
        if name is None or name in {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}:
            continue
        rows[int(code6 + "000000")] = name
    return sorted(rows.items())
