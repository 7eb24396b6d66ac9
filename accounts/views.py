from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.generic import FormView

from . import services
from .forms import ProfileForm, SignupForm


def _home_for(user) -> str:
    return f"/{user.preferred_language}/"


class SignupView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignupForm

    def get_initial(self):
        return {"preferred_language": translation.get_language()}

    def form_valid(self, form):
        data = form.cleaned_data
        user = services.user_signup(
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            name_latin=data["name_latin"],
            name_arabic=data["name_arabic"],
            preferred_language=data["preferred_language"],
            organization=data["organization_code"],
        )
        login(self.request, user, backend="accounts.backends.CachedUserBackend")
        with translation.override(user.preferred_language):
            messages.success(self.request, _("Welcome to Masar! Pick a course to start."))
        return redirect(_home_for(user))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return _home_for(self.request.user)


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
        }

    def form_valid(self, form):
        services.user_profile_update(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your profile is saved."))
        return super().form_valid(form)
