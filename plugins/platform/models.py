"""The platform's own tables: platform-wide configuration, no tenant column."""

import peewee

from kernel.orm import BaseModel, JSONField, utcnow

RATE_SCALE = 1_000_000


class Setting(BaseModel):
    """One platform-wide setting: a key and its JSON value (general, verification, theme, branding)."""

    key = peewee.CharField(unique=True, max_length=80)
    value = JSONField(null=True)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "platform_setting"


class Currency(BaseModel):
    """A currency the app can show prices in; the rate is kept in micro-units to stay exact."""

    code = peewee.CharField(unique=True, max_length=3)
    name = peewee.CharField(max_length=80)
    symbol = peewee.CharField(max_length=8)
    rate_micros = peewee.BigIntegerField(default=RATE_SCALE)
    position = peewee.CharField(max_length=8, default="prefix")
    is_default = peewee.BooleanField(default=False)
    is_active = peewee.BooleanField(default=True)
    sort_order = peewee.IntegerField(default=0)

    @property
    def rate(self) -> float:
        return self.rate_micros / RATE_SCALE


class Language(BaseModel):
    code = peewee.CharField(unique=True, max_length=8)
    name = peewee.CharField(max_length=60)
    native_name = peewee.CharField(max_length=60, default="")
    dir = peewee.CharField(max_length=3, default="ltr")
    is_default = peewee.BooleanField(default=False)
    is_active = peewee.BooleanField(default=True)
    sort_order = peewee.IntegerField(default=0)


class Translation(BaseModel):
    """One interface string in one language."""

    language = peewee.CharField(max_length=8)
    key = peewee.CharField(max_length=120)
    value = peewee.TextField()

    class Meta:
        indexes = ((("language", "key"), True),)


class Country(BaseModel):
    """One of the 249 ISO 3166 countries with its international calling code."""

    code = peewee.CharField(unique=True, max_length=2)
    name = peewee.CharField(max_length=120)
    phone_code = peewee.CharField(max_length=8)


class LegalPage(BaseModel):
    """Privacy policy, terms and conditions, return and refund policy (HTML)."""

    slug = peewee.CharField(unique=True, max_length=80)
    title = peewee.CharField(max_length=160)
    content = peewee.TextField(default="")
    updated_at = peewee.DateTimeField(default=utcnow)


class Page(BaseModel):
    """A content page such as about, contact or FAQ (HTML)."""

    slug = peewee.CharField(unique=True, max_length=80)
    title = peewee.CharField(max_length=160)
    content = peewee.TextField(default="")
    is_active = peewee.BooleanField(default=True)
    updated_at = peewee.DateTimeField(default=utcnow)


class Menu(BaseModel):
    """A navigation menu of the web storefront (header, ...) holding ordered items."""

    name = peewee.CharField(unique=True, max_length=60)
    title = peewee.CharField(max_length=120)
    is_active = peewee.BooleanField(default=True)


class MenuItem(BaseModel):
    menu = peewee.ForeignKeyField(Menu, backref="items", on_delete="CASCADE")
    title = peewee.CharField(max_length=120)
    url = peewee.CharField(max_length=255)
    target = peewee.CharField(max_length=10, default="_self")
    sort_order = peewee.IntegerField(default=0)
    is_active = peewee.BooleanField(default=True)

    class Meta:
        indexes = ((("menu", "title"), True),)


class Footer(BaseModel):
    """A column of the web footer holding ordered links."""

    title = peewee.CharField(unique=True, max_length=120)
    sort_order = peewee.IntegerField(default=0)
    is_active = peewee.BooleanField(default=True)


class FooterItem(BaseModel):
    footer = peewee.ForeignKeyField(Footer, backref="items", on_delete="CASCADE")
    title = peewee.CharField(max_length=120)
    url = peewee.CharField(max_length=255)
    sort_order = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("footer", "title"), True),)


class SocialLink(BaseModel):
    name = peewee.CharField(unique=True, max_length=40)
    url = peewee.CharField(max_length=255)
    icon = peewee.CharField(max_length=40, default="")
    sort_order = peewee.IntegerField(default=0)
    is_active = peewee.BooleanField(default=True)


class SocialAuthProvider(BaseModel):
    """Sign-in through Google, Facebook or Apple; the secret never leaves the admin API."""

    provider = peewee.CharField(unique=True, max_length=20)
    is_active = peewee.BooleanField(default=False)
    client_id = peewee.CharField(max_length=255, default="")
    client_secret = peewee.CharField(max_length=255, default="")
    redirect_url = peewee.CharField(max_length=255, default="")


MODELS = [
    Setting, Currency, Language, Translation, Country, LegalPage, Page,
    Menu, MenuItem, Footer, FooterItem, SocialLink, SocialAuthProvider,
]
