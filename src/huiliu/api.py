"""The JSON API: one NinjaAPI, bearer-token authentication, the OpenAPI document at /api/openapi.json.

No interactive docs page: it would load its scripts from a CDN.
"""

from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer

from huiliu.accounts.actions import note_api_token_use
from huiliu.accounts.queries import find_api_token
from huiliu.core.errors import NotFound, PermissionDenied, ValidationFailed, field_errors


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = find_api_token(token)
        if found is None:
            return None
        note_api_token_use(token=found)
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="汇流 Huiliu API",
    version="1",
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)


@api.exception_handler(NotFound)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(SchemaError)
def _malformed(request, exc):
    # The schema's own messages are English and name the payload's nesting; answer like a refused action.
    return api.create_response(request, {"detail": "输入有误", "errors": field_errors(exc.errors)}, status=422)


@api.exception_handler(ValidationFailed)
def _invalid(request, exc):
    return api.create_response(request, {"detail": "输入有误", "errors": exc.errors}, status=422)


from huiliu.community.api import router as community_router  # noqa: E402
from huiliu.exchange.api import router as exchange_router  # noqa: E402
from huiliu.grievances.api import router as grievances_router  # noqa: E402
from huiliu.people.api import router as people_router  # noqa: E402
from huiliu.services.api import router as services_router  # noqa: E402

api.add_router("/", people_router)
api.add_router("/exchange/", exchange_router)
api.add_router("/services/", services_router)
api.add_router("/community/", community_router)
api.add_router("/grievances/", grievances_router)
