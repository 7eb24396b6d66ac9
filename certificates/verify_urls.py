from django.urls import path

from . import views

app_name = "verify"

urlpatterns = [
    path("", views.verify_form, name="form"),
    # The revocation list every credential points to (Bitstring Status List), signed and as JSON.
    path("status/revocation.<str:form>", views.status_list, name="status_list"),
    path("<str:code>/", views.verify_detail, name="detail"),
    # The certificate's signed Open Badges 3.0 credential, and its decoded content.
    path("<str:code>/credential.<str:form>", views.credential_download, name="credential"),
]
