import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django import forms

from connector.crypto import mask
from stores import access
from stores.models import AuthFlow, Role, SalesforceOrg, Store
from stores.services import find_user

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
STORE_PATH_RE = re.compile(r"/stores/([A-Za-z0-9]+)(/|$)")
# Salesforce refuses the client credentials flow on the shared login hosts: it needs My Domain.
SHARED_LOGIN_HOSTS = {"login.salesforce.com", "test.salesforce.com"}


def https_url_field(model, name) -> forms.URLField:
    """The model's URL field as a form field that reads a bare host as https://."""
    return model._meta.get_field(name).formfield(assume_scheme="https")


def require_https_unless_loopback(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS:
        raise forms.ValidationError(
            "Use an https:// address (plain http is allowed only for this machine)."
        )
    return url.rstrip("/")


class SecretFieldsMixin:
    """Secret inputs never show the stored value; left blank, they keep it."""

    secret_fields: tuple[str, ...] = ()
    multiline_secrets: tuple[str, ...] = ()

    def _setup_secret_fields(self):
        for name in self.secret_fields:
            field = self.fields[name]
            if name in self.multiline_secrets:
                field.widget = forms.Textarea(attrs={"rows": 4, "spellcheck": "false"})
            else:
                field.widget = forms.PasswordInput(
                    render_value=False, attrs={"autocomplete": "new-password"}
                )
            self.initial[name] = ""
            stored = getattr(self.instance, name, "")
            if stored:
                field.required = False
                field.widget.attrs["placeholder"] = f"Stored ({mask(stored)}): leave blank to keep"
            field.stored_mask = mask(stored)

    def _require_secrets_for_new_destination(self, cleaned_data, url_field, secrets):
        """A credential goes to a new address only if it was typed in this same submission.

        Otherwise anyone who may edit the form could send the stored one to a host of theirs.
        """
        if self.instance.pk is None or url_field not in cleaned_data:
            return
        stored_url = getattr(self.instance, url_field) or ""
        if _same_url(cleaned_data[url_field], stored_url):
            return
        url_label = self.fields[url_field].label
        for name in secrets:
            if getattr(self.instance, name, "") and not cleaned_data.get(name):
                label = self.fields[name].label
                self.add_error(
                    name,
                    f"The {url_label} changed: enter the {label.lower()} again to send it "
                    f"there, or keep the old {url_label}.",
                )

    def _keep_blank_secrets(self, cleaned_data):
        for name in self.secret_fields:
            if not cleaned_data.get(name):
                cleaned_data[name] = getattr(self.instance, name, "")
        return cleaned_data


class StoreForm(SecretFieldsMixin, forms.ModelForm):
    secret_fields = ("access_token", "client_secret")
    # Wider than the column: a pasted API path is cut down to the hash in clean_store_hash.
    api_base_url = https_url_field(Store, "api_base_url")
    store_hash = forms.CharField(
        max_length=255,
        help_text="The code after /stores/ in the store's API path; you may paste the whole path.",
    )

    class Meta:
        model = Store
        fields = [
            "name",
            "store_hash",
            "api_base_url",
            "access_token",
            "client_id",
            "client_secret",
            "time_zone",
            "is_active",
            "log_retention_days",
            "salesforce_org",
        ]
        help_texts = {
            "access_token": (
                "From Settings › Store-level API accounts in the BigCommerce control panel."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_secret_fields()
        self.fields["salesforce_org"].queryset = access.visible_orgs(user)
        self.fields["salesforce_org"].empty_label = "— not connected yet —"
        self.synced_records = self._records_synced_with_another_org()
        if self.synced_records:
            self.fields["confirm_org_change"] = forms.BooleanField(
                required=False,
                label="Move the store to this org",
                help_text=(
                    f"This store has {_records(self.synced_records)} synced with "
                    f"{self.instance.salesforce_org}. The chosen org has its own records: the "
                    "next imports create or match them there. The records and links of the "
                    "current org stay, and count again if the store comes back to it."
                ),
            )

    def _records_synced_with_another_org(self) -> int:
        """When the posted org differs from the store's: how many records the store has
        synced with its current org."""
        if not (self.is_bound and self.instance.pk and self.instance.salesforce_org_id):
            return 0
        posted = self.data.get(self.add_prefix("salesforce_org")) or ""
        if posted == str(self.instance.salesforce_org_id):
            return 0
        return self.instance.links.filter(org_id=self.instance.salesforce_org_id).count()

    def clean_salesforce_org(self):
        org = self.cleaned_data["salesforce_org"]
        if self.synced_records and not self.data.get(self.add_prefix("confirm_org_change")):
            raise forms.ValidationError(
                "This store has records synced with its current org. Read what moving it "
                "means below, tick the box to confirm, and save again."
            )
        return org

    def clean_store_hash(self):
        value = self.cleaned_data["store_hash"].strip()
        found = STORE_PATH_RE.search(value)
        return (found.group(1) if found else value).lower()

    def clean_api_base_url(self):
        return require_https_unless_loopback(self.cleaned_data["api_base_url"])

    def clean(self):
        cleaned = super().clean()
        self._require_secrets_for_new_destination(cleaned, "api_base_url", ("access_token",))
        return self._keep_blank_secrets(cleaned)


def _records(count: int) -> str:
    return "1 record" if count == 1 else f"{count:,} records"


class OrgForm(SecretFieldsMixin, forms.ModelForm):
    secret_fields = SalesforceOrg.SECRET_FIELDS
    login_url = https_url_field(SalesforceOrg, "login_url")
    multiline_secrets = ("private_key",)

    class Meta:
        model = SalesforceOrg
        fields = [
            "name",
            "login_url",
            "auth_flow",
            "api_version",
            "client_id",
            "client_secret",
            "username",
            "password",
            "security_token",
            "private_key",
        ]
        widgets = {"auth_flow": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_secret_fields()
        for name in ("client_secret", "username", "password", "security_token", "private_key"):
            field = self.fields[name]
            field.required = False  # clean() requires what the chosen flow needs
            field.needed_by = _flows_needing(name)

    def clean_login_url(self):
        return require_https_unless_loopback(self.cleaned_data["login_url"])

    def clean_private_key(self):
        pem = self.cleaned_data.get("private_key", "").strip()
        if pem:
            _check_rsa_private_key(pem)
        return pem

    def clean(self):
        cleaned = super().clean()
        flow = cleaned.get("auth_flow")
        if not flow:
            return self._keep_blank_secrets(cleaned)
        self._require_secrets_for_new_destination(
            cleaned, "login_url", SalesforceOrg.secrets_sent_by(flow)
        )
        cleaned = self._keep_blank_secrets(cleaned)
        for name in SalesforceOrg.REQUIRED_CREDENTIALS[AuthFlow(flow)]:
            if not cleaned.get(name):
                label = self.fields[name].label
                self.add_error(name, f"{label} is needed for the {AuthFlow(flow).label} flow.")
        host = urlsplit(cleaned.get("login_url") or "").hostname
        if flow == AuthFlow.CLIENT_CREDENTIALS and host in SHARED_LOGIN_HOSTS:
            self.add_error(
                "login_url",
                "The client credentials flow needs your My Domain URL (https://<domain>.my.salesforce.com).",
            )
        return cleaned


def _same_url(a: str, b: str) -> bool:
    return a.rstrip("/").lower() == b.rstrip("/").lower()


def _flows_needing(credential: str) -> str:
    flows = [
        AuthFlow(flow).label.split(" (")[0]
        for flow, needed in SalesforceOrg.REQUIRED_CREDENTIALS.items()
        if credential in needed
    ]
    return "Needed for: " + ", ".join(flows) + "." if flows else "Optional."


def _check_rsa_private_key(pem: str) -> None:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise forms.ValidationError(
            "This is not an unencrypted PEM private key "
            "(it should start with -----BEGIN PRIVATE KEY-----)."
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise forms.ValidationError("JWT bearer needs an RSA key (Salesforce signs with RS256).")


class AddMemberForm(forms.Form):
    user = forms.CharField(label="Username or email", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)

    def clean_user(self):
        user = find_user(self.cleaned_data["user"])
        if user is None:
            raise forms.ValidationError("No user has that username or email.")
        return user


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
