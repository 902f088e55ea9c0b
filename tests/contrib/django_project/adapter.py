from allauth.account.adapter import DefaultAccountAdapter

from logto_connector_aliyun_sms.contrib.allauth import AliyunSmsAdapterMixin

from .phones.models import Phone


class PhoneAccountAdapter(AliyunSmsAdapterMixin, DefaultAccountAdapter):
    """Codes go out through Aliyun SMS; numbers live in the project's own Phone model."""

    def set_phone(self, user, phone, verified):
        Phone.objects.update_or_create(user=user, defaults={"number": phone, "verified": verified})

    def get_phone(self, user):
        record = Phone.objects.filter(user=user).first()
        return (record.number, record.verified) if record else None

    def set_phone_verified(self, user, phone):
        Phone.objects.filter(user=user, number=phone).update(verified=True)

    def get_user_by_phone(self, phone):
        record = Phone.objects.filter(number=phone).select_related("user").first()
        return record.user if record else None


class OwnCodesAdapter(PhoneAccountAdapter):
    """Makes its own codes, so allauth's code format setting does not apply."""

    def generate_phone_verification_code(self, *, user, phone):
        return "246810"
