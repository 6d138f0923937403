from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huiliu.core.errors import ValidationFailed
from huiliu.core.forms import show_domain_errors

from .actions import change_password
from .forms import LoginForm, PasswordChangeForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]
    next_page = "accounts:login"  # without it Django renders registration/logged_out.html, which does not exist


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_password(acting_user=request.user, old_password=form.cleaned_data["old_password"],
                            new_password=form.cleaned_data["new_password1"])
        except ValidationFailed as failure:
            show_domain_errors(form, failure)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("people:home")
    return render(request, "accounts/password_change.html", {"form": form})
