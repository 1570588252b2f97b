"""Request and response schemas of the platform plugin (the /api/master ones follow FLUTTER_CONTRACT.md section 10)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from plugins.platform.colors import HEX_COLOR

OTP_CHANNELS = ("email", "phone")
CONTENT_MAX_CHARS = 100_000
# JSON may spend up to 12 bytes on one character (a \\u-escaped surrogate pair).
CONTENT_MAX_BODY = 12 * CONTENT_MAX_CHARS + 64 * 1024


class StrictBoolean(fields.Boolean):
    """JSON ``true`` or ``false`` only: ``1`` and ``"yes"`` are refused, as Dart would."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictFloat(fields.Float):
    """A JSON number only: ``true`` and ``"1.5"`` are refused."""

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class StrictInteger(fields.Integer):
    """A JSON integer only: ``true``, ``7.5`` and ``"7"`` are refused."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


# -- shared pieces -------------------------------------------------------------------


class ThemeColorsOut(Schema):
    primary = fields.String(required=True)
    primary50 = fields.String(required=True)
    primary100 = fields.String(required=True)
    primary200 = fields.String(required=True)
    primary300 = fields.String(required=True)
    primary400 = fields.String(required=True)
    primary500 = fields.String(required=True)
    primary600 = fields.String(required=True)
    primary700 = fields.String(required=True)
    primary800 = fields.String(required=True)
    primary900 = fields.String(required=True)
    primary950 = fields.String(required=True)


class BrandingOut(Schema):
    name = fields.String(required=True)
    monochrome = fields.Boolean(required=True)
    shadows = fields.Boolean(required=True)
    gradients = fields.Boolean(required=True)
    corner_radius = fields.Integer(required=True)
    flat = fields.Boolean(required=True)
    font_family = fields.String(required=True)
    background = fields.String(required=True)
    foreground = fields.String(required=True)


class ThemeData(Schema):
    source = fields.String(required=True, metadata={"description": "shop or platform"})
    colors = fields.Nested(ThemeColorsOut, required=True)
    branding = fields.Nested(BrandingOut, required=True)


class CurrencyOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    symbol = fields.String(required=True)
    rate = fields.Float(required=True)
    rate_from_default = fields.Float(required=True)
    position = fields.String(required=True)
    is_default = fields.Boolean(required=True)
    is_active = fields.Boolean(required=True)


class LanguageOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    native_name = fields.String(required=True)
    dir = fields.String(required=True)
    is_default = fields.Boolean(required=True)
    is_active = fields.Boolean(required=True)


class LinkItemOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)


class MenuItemOut(LinkItemOut):
    target = fields.String(required=True)


class MenuOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    title = fields.String(required=True)
    items = fields.List(fields.Nested(MenuItemOut), required=True)


class FooterOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    items = fields.List(fields.Nested(LinkItemOut), required=True)


class SocialLinkOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    url = fields.String(required=True)
    icon = fields.String(required=True)


# -- /api/master -------------------------------------------------------------------------


class MasterCurrencyOut(Schema):
    name = fields.String(required=True)
    code = fields.String(required=True)
    symbol = fields.String(required=True)
    rate = fields.Float(required=True)
    position = fields.String(required=True)


class MasterCurrencyItemOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    code = fields.String(required=True)
    symbol = fields.String(required=True)
    rate = fields.Float(required=True)
    rate_from_default = fields.Float(required=True)
    position = fields.String(required=True)
    is_default = fields.Boolean(required=True)


class PaymentGatewayOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    name = fields.String(required=True)
    logo = fields.String(required=True)
    is_active = fields.Boolean(required=True)


class MasterLanguageOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    dir = fields.String(required=True)
    is_default = fields.Boolean(required=True)


class MasterSocialAuthOut(Schema):
    provider = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    client_id = fields.String(required=True)


class MasterData(Schema):
    currency = fields.Nested(MasterCurrencyOut, required=True)
    currencies = fields.List(fields.Nested(MasterCurrencyItemOut), required=True)
    payment_gateways = fields.List(fields.Nested(PaymentGatewayOut), required=True)
    cash_on_delivery = fields.Boolean(required=True)
    online_payment = fields.Boolean(required=True)
    multi_vendor = fields.Boolean(required=True)
    app_name = fields.String(required=True)
    app_logo = fields.String(required=True)
    web_logo = fields.String(required=True)
    register_otp_verify = fields.Boolean(required=True)
    register_otp_type = fields.String(required=True)
    forgot_otp_type = fields.String(required=True)
    order_place_account_verify = fields.Boolean(required=True)
    phone_required = fields.Boolean(required=True)
    phone_min_length = fields.Integer(required=True)
    phone_max_length = fields.Integer(required=True)
    theme_colors = fields.Nested(ThemeColorsOut, required=True)
    branding = fields.Nested(BrandingOut, required=True)
    app_locale = fields.String(required=True)
    languages = fields.List(fields.Nested(MasterLanguageOut), required=True)
    return_order_within_days = fields.Integer(required=True)
    show_download_app = fields.Boolean(required=True)
    google_playstore_link = fields.String(required=True)
    app_store_link = fields.String(required=True)
    mobile = fields.String(required=True)
    email = fields.String(required=True)
    address = fields.String(required=True)
    web_show_footer = fields.Boolean(required=True)
    web_footer_text = fields.String(required=True)
    web_footer_logo = fields.String(required=True)
    footer_qr = fields.String(required=True)
    social_links = fields.List(fields.Nested(SocialLinkOut), required=True)
    social_auths = fields.List(fields.Nested(MasterSocialAuthOut), required=True)
    menus = fields.List(fields.Nested(MenuOut), required=True)
    footers = fields.List(fields.Nested(FooterOut), required=True)
    pusher_app_key = fields.String(required=True)
    pusher_app_cluster = fields.String(required=True)
    app_environment = fields.String(required=True)
    baseUrl = fields.String(required=True)


# -- public lists and content -----------------------------------------------------------


class LanguageListData(Schema):
    languages = fields.List(fields.Nested(LanguageOut), required=True)


class TranslationsData(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    dir = fields.String(required=True)
    translations = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class CountryOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    phone_code = fields.String(required=True)
    code = fields.String(required=True)


class CountryListData(Schema):
    countries = fields.List(fields.Nested(CountryOut), required=True)


class CurrencyListData(Schema):
    currencies = fields.List(fields.Nested(CurrencyOut), required=True)


class CurrencyData(Schema):
    currency = fields.Nested(CurrencyOut, required=True)


class ContentPageSummaryOut(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    updated_at = fields.String(required=True)


class LegalPageListData(Schema):
    pages = fields.List(fields.Nested(ContentPageSummaryOut), required=True)


class HtmlContentOut(Schema):
    title = fields.String(required=True)
    description = fields.String(required=True)


class HtmlContentData(Schema):
    """The app's ``HtmlContentModel``: ``data.content`` with a title and HTML description."""

    content = fields.Nested(HtmlContentOut, required=True)


class ContentPageOut(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    content = fields.String(required=True)
    updated_at = fields.String(required=True)


class ContentPageData(Schema):
    page = fields.Nested(ContentPageOut, required=True)
    content = fields.Nested(HtmlContentOut, required=True)


class ContentPageListData(Schema):
    pages = fields.List(fields.Nested(ContentPageSummaryOut), required=True)


class ContactData(Schema):
    phone = fields.String(allow_none=True, required=True)
    email = fields.String(allow_none=True, required=True)
    whatsapp = fields.String(allow_none=True, required=True)
    messenger = fields.String(allow_none=True, required=True)


class MenuListData(Schema):
    menus = fields.List(fields.Nested(MenuOut), required=True)


class FooterListData(Schema):
    footers = fields.List(fields.Nested(FooterOut), required=True)


class SocialLinkListData(Schema):
    social_links = fields.List(fields.Nested(SocialLinkOut), required=True)


# -- admin ---------------------------------------------------------------------------------


class PartialUpdate(Schema):
    """A change of only the keys sent; an empty body is a client mistake, not a no-op."""

    @validates_schema
    def not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("Send at least one field to change.")


class PartialUpdateBody(PartialUpdate):
    """A request body of a partial update.

    The kernel reads a top-level ``null`` or ``""`` as an absent key (the app's
    convention), so each optional key is documented as nullable and carries no
    minimum length: an empty string leaves the value unchanged.
    """

    def on_bind_field(self, field_name, field_obj):
        if not field_obj.required:
            field_obj.allow_none = True


class SettingsIn(PartialUpdateBody):
    """General and verification settings; every key is optional (only the sent ones change)."""

    app_name = fields.String(validate=validate.Length(max=80))
    app_logo = fields.String(validate=validate.Length(max=255))
    web_logo = fields.String(validate=validate.Length(max=255))
    web_footer_logo = fields.String(validate=validate.Length(max=255))
    footer_qr = fields.String(validate=validate.Length(max=255))
    app_locale = fields.String(validate=validate.Length(max=8))
    multi_vendor = StrictBoolean()
    return_order_within_days = StrictInteger(validate=validate.Range(min=0, max=365))
    show_download_app = StrictBoolean()
    google_playstore_link = fields.String(validate=validate.Length(max=255))
    app_store_link = fields.String(validate=validate.Length(max=255))
    contact_phone = fields.String(validate=validate.Length(max=32))
    contact_email = fields.String(validate=validate.Length(max=190))
    contact_whatsapp = fields.String(validate=validate.Length(max=32))
    contact_messenger = fields.String(validate=validate.Length(max=255))
    address = fields.String(validate=validate.Length(max=255))
    web_show_footer = StrictBoolean()
    web_footer_text = fields.String(validate=validate.Length(max=255))
    register_otp_verify = StrictBoolean()
    register_otp_type = fields.String(validate=validate.OneOf(OTP_CHANNELS))
    forgot_otp_type = fields.String(validate=validate.OneOf(OTP_CHANNELS))
    order_place_account_verify = StrictBoolean()
    phone_required = StrictBoolean()
    phone_min_length = StrictInteger(validate=validate.Range(min=4, max=20))
    phone_max_length = StrictInteger(validate=validate.Range(min=4, max=20))
    otp_length = StrictInteger(validate=validate.Range(min=4, max=8))
    otp_expiry_minutes = StrictInteger(validate=validate.Range(min=1, max=60))
    otp_max_attempts = StrictInteger(validate=validate.Range(min=1, max=20))

    @validates_schema
    def lengths_in_order(self, data, **kwargs):
        low, high = data.get("phone_min_length"), data.get("phone_max_length")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not exceed phone_max_length.", "phone_min_length")


class SettingsOut(Schema):
    app_name = fields.String(required=True)
    app_logo = fields.String(required=True)
    web_logo = fields.String(required=True)
    web_footer_logo = fields.String(required=True)
    footer_qr = fields.String(required=True)
    app_locale = fields.String(required=True)
    multi_vendor = fields.Boolean(required=True)
    return_order_within_days = fields.Integer(required=True)
    show_download_app = fields.Boolean(required=True)
    google_playstore_link = fields.String(required=True)
    app_store_link = fields.String(required=True)
    contact_phone = fields.String(required=True)
    contact_email = fields.String(required=True)
    contact_whatsapp = fields.String(required=True)
    contact_messenger = fields.String(required=True)
    address = fields.String(required=True)
    web_show_footer = fields.Boolean(required=True)
    web_footer_text = fields.String(required=True)
    register_otp_verify = fields.Boolean(required=True)
    register_otp_type = fields.String(required=True)
    forgot_otp_type = fields.String(required=True)
    order_place_account_verify = fields.Boolean(required=True)
    phone_required = fields.Boolean(required=True)
    phone_min_length = fields.Integer(required=True)
    phone_max_length = fields.Integer(required=True)
    otp_length = fields.Integer(required=True)
    otp_expiry_minutes = fields.Integer(required=True)
    otp_max_attempts = fields.Integer(required=True)


class SettingsData(Schema):
    settings = fields.Nested(SettingsOut, required=True)


class LegalPageIn(PartialUpdateBody):
    title = fields.String(validate=validate.Length(max=160))
    content = fields.String(validate=validate.Length(max=CONTENT_MAX_CHARS))


class LegalPageData(Schema):
    page = fields.Nested(ContentPageOut, required=True)


class ContentPageIn(LegalPageIn):
    is_active = StrictBoolean()


class CurrencyIn(PartialUpdateBody):
    name = fields.String(validate=validate.Length(max=80))
    symbol = fields.String(validate=validate.Length(max=8))
    rate = StrictFloat(validate=validate.Range(min=0.000001, max=1_000_000))
    position = fields.String(validate=validate.OneOf(("prefix", "suffix")))
    is_active = StrictBoolean()
    is_default = StrictBoolean()
    sort_order = StrictInteger(validate=validate.Range(min=0, max=10_000))


class SocialAuthIn(PartialUpdateBody):
    is_active = StrictBoolean()
    client_id = fields.String(validate=validate.Length(max=255))
    client_secret = fields.String(load_only=True, validate=validate.Length(max=255))
    redirect_url = fields.String(validate=validate.Length(max=255))


class SocialAuthOut(Schema):
    provider = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    client_id = fields.String(required=True)
    redirect_url = fields.String(required=True)
    has_secret = fields.Boolean(required=True)


class SocialAuthData(Schema):
    provider = fields.Nested(SocialAuthOut, required=True)


class SocialAuthListData(Schema):
    providers = fields.List(fields.Nested(SocialAuthOut), required=True)


class TranslationsIn(Schema):
    translations = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=120)),
        values=fields.String(validate=validate.Length(max=5000)),
        required=True,
    )


class _FullMatch(validate.Regexp):
    """A regular expression the whole value must match (``$`` alone lets a trailing newline through)."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class HexColor(fields.String):
    """A ``#RRGGBB`` colour."""

    def __init__(self, **kwargs):
        super().__init__(validate=_FullMatch(HEX_COLOR, error="Use a #RRGGBB colour."), **kwargs)
