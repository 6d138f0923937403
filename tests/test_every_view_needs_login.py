"""A walk over the URL configuration: no page or API operation answers an anonymous visitor with data."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# The only pages a stranger may open (home shows the login form to a stranger), and
# django-ninja's root, which is no operation and answers 404 to everyone.
# The peer inbox asks for no login: each request is authenticated by its peer's signature instead.
# Document verification is for whoever holds a voucher or certificate: it answers only valid or
# invalid, the status and the masked name, rate-limited per client address.
PUBLIC = {"accounts:login", "people:home", "api:openapi-json", "api:api-root", "exchange_peer:inbox", "verify:check"}
# A family registers a birth and checks its progress without an account: the filing page (CSRF-protected),
# the page that shows the family its own tracking number from its session, and the status page, which
# answers only the status and the masked name to the tracking number with the ID's last four; the filing
# and status pages are rate-limited per client address.
PUBLIC |= {"births:public_register", "births:public_filed", "births:public_track"}
# The place picker of the public birth form reads the division tree: names and codes only, which are public
# data, read-only and rate-limited per client address.
PUBLIC |= {"places:children"}
# Anyone may send a complaint or suggestion and follow it with its number and check code.
PUBLIC |= {"grievances_public:file", "grievances_public:filed", "grievances_public:track"}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    path = route.replace("^", "").replace("$", "")
    for converter in ("<str:person_id>", "<str:migration_id>", "<person_id>", "<migration_id>", "<str:message_id>",
                      "<str:agreement_id>", "<str:station_id>"):
        path = path.replace(converter, str(uuid.uuid4()))
    return "/" + path


ROUTES = sorted(set(_walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_pages_and_the_api():
    names = {name for name, _route in ROUTES}
    assert {"people:person_detail", "people:register_arrival", "audit:event_list"} <= names
    assert any(route.startswith("api/persons") for _name, route in ROUTES)


@pytest.mark.parametrize(("name", "route"), [r for r in ROUTES if r[0] not in PUBLIC])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_gets_no_data_from(client, db, name, route, method):
    response = getattr(client, method)(_concrete(route))

    if route.startswith("api/"):
        assert response.status_code in (401, 405), (name, response.status_code)
    else:
        assert response.status_code in (302, 405), (name, response.status_code)
        if response.status_code == 302:
            assert response.url.startswith("/accounts/login/")
