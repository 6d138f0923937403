"""Where the current request comes from, for the audit rows written while serving it."""

import contextvars

client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


class AuditContextMiddleware:
    """Remember the client address of each request for the actions it calls."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(request.META.get("REMOTE_ADDR", ""))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
