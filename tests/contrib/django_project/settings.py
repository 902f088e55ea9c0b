"""A minimal project: allauth phone sign-up and two-factor SMS, through Aliyun SMS.

``ALIYUN_SMS`` is set per test (pointing at the sandbox) with ``override_settings``.
"""

from pathlib import Path

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
ROOT_URLCONF = "django_project.urls"
USE_TZ = True
DATABASES = {  # in memory, shared by the threads that ASGI runs sync views in
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "file:aliyun_sms_contrib?mode=memory&cache=shared",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "two_factor.plugins.phonenumber",
    "allauth",
    "allauth.account",
    "logto_connector_aliyun_sms.contrib.django",
    "django_project.phones",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "logto_connector_aliyun_sms.contrib.django.context.RequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
BASE_DIR = Path(__file__).resolve().parent
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],  # templates/two_factor/_base.html shows the messages
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
MIGRATION_MODULES = {"phones": None}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
LOGIN_REDIRECT_URL = "/home/"
LOGIN_URL = "two_factor:login"

# allauth: sign up and log in with a phone number, codes through Aliyun SMS
ACCOUNT_ADAPTER = "django_project.adapter.PhoneAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_RATE_LIMITS = False  # so that Aliyun's flow control is what a resend meets

# django-two-factor-auth: SMS devices through Aliyun SMS
TWO_FACTOR_SMS_GATEWAY = "logto_connector_aliyun_sms.contrib.two_factor.Gateway"
PHONENUMBER_DEFAULT_REGION = "CN"

# the connector, by its Logto id (ALIYUN_SMS holds its config, set per test)
ALIYUN_SMS_CONNECTOR = "aliyun-short-message-service"  # or "aliyun-short-message-auth-service"
