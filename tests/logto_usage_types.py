"""Logto's nine SMS usage types, in the order of its ``TemplateType`` (packages/toolkit/
connector-kit): the expected value the tests compare with, written out here once."""

from __future__ import annotations

LOGTO_USAGE_TYPES = [
    "SignIn",
    "Register",
    "ForgotPassword",
    "OrganizationInvitation",
    "Generic",
    "UserPermissionValidation",
    "BindNewIdentifier",
    "MfaVerification",
    "BindMfa",
]
