from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import FormView

from . import selectors, services, throttles
from .client_ip import client_ip
from .forms import InvitationSignupForm, LoginForm, PasswordResetForm, ProfileForm, SignupForm


def _home_for(user) -> str:
    return f"/{user.preferred_language}/"


class SignupView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignupForm

    def get_initial(self):
        return {"preferred_language": translation.get_language()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "client_ip": client_ip(self.request)}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.user_signup(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                name_latin=data["name_latin"],
                name_arabic=data["name_arabic"],
                preferred_language=data["preferred_language"],
                organization=data["organization_code"],
            )
        except ValidationError as error:  # taken meanwhile by another sign-up
            form.add_error(None, error)
            return self.form_invalid(form)
        login(self.request, user, backend="accounts.backends.UserBackend")
        with translation.override(user.preferred_language):
            messages.success(self.request, _("Welcome to Masar! Pick a course to start."))
        return redirect(_home_for(user))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response


class InvitationSignupView(SignupView):
    """The link of an invitation: the sign-up form with the invited address, into the
    invitation's organization. A link that no longer works says why (410), with what to do; a
    link that cannot sign anyone up now (someone is signed in, or the address has an account
    since, in this organization or another) says so (409) and never joins anyone silently."""

    template_name = "accounts/invitation_signup.html"
    form_class = InvitationSignupForm

    def dispatch(self, request, *args, **kwargs):
        self.invitation, refusal = selectors.invitation_for_signup(token=kwargs["token"], user=request.user)
        if refusal is not None:
            context = {"invitation": None, "closed_title": refusal.title, "closed_message": refusal.message}
            return self.response_class(request, self.template_name, context, status=refusal.status)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {**super().get_initial(), "preferred_language": self.invitation.language}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invitation": self.invitation}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "invitation": self.invitation}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                token=self.invitation.token,
                username=data["username"],
                password=data["password1"],
                name_latin=data["name_latin"],
                name_arabic=data["name_arabic"],
                preferred_language=data["preferred_language"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        login(self.request, user, backend="accounts.backends.UserBackend")
        with translation.override(user.preferred_language):
            messages.success(
                self.request,
                _("Welcome to Masar! You joined %(organization)s.")
                % {"organization": self.invitation.organization.name},
            )
        return redirect(_home_for(user))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # The language of the page the trainee logged in from, not the preferred one.
        return f"/{translation.get_language()}/"


class LogoutView(auth_views.LogoutView):
    def get_success_url(self):
        return f"/{translation.get_language()}/"


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "accounts/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["locked"] = self.request.user.names_locked
        return kwargs

    def get_initial(self):
        user = self.request.user
        return {
            "name_latin": user.name_latin,
            "name_arabic": user.name_arabic,
            "preferred_language": user.preferred_language,
            "drill_reminders": user.drill_reminders,
        }

    def form_valid(self, form):
        services.user_profile_update(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your profile is saved."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer and the same work for an email with an account and one without: the
    lookup and the mail happen in a Celery task. Throttled per address (no mail-bombing) and
    per client IP."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        for scope, value in (("password_reset_ip", client_ip(self.request)), ("password_reset_email", email)):
            if not throttles.allow(scope, value):
                message = _("Too many password reset requests. Try again in %(minutes)s minutes.")
                form.add_error("email", message % {"minutes": throttles.minutes(scope)})
                response = self.form_invalid(form)
                response.status_code = 429
                return response
        services.password_reset_request(
            email=email,
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
            language=translation.get_language(),
        )
        return HttpResponseRedirect(self.get_success_url())
