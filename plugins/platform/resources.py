"""Thin Falcon resources of the platform plugin: the app's start-up and content routes, admin edits."""

from kernel import db
from kernel.http import APIError, Route, ok, op, validation_error
from plugins.platform import master, schemas, services, theme

TAGS = ("platform",)
ADMIN_TAGS = ("admin settings",)


def _not_found(what: str) -> APIError:
    return APIError(404, f"{what} not found.")


def _config_error(exc: services.ConfigError) -> APIError:
    return validation_error({exc.field: [exc.message]})


class Master:
    @op(response=schemas.MasterData, tags=TAGS,
        summary="The app's start-up configuration (every live plugin adds keys)")
    def on_get(self, req, resp):
        ok(resp, master.assemble(req))


class Theme:
    @op(response=schemas.ThemeData, tags=("theme",),
        summary="The storefront's theme: the shop's own when a live plugin sets one, else the platform scheme")
    def on_get(self, req, resp):
        ok(resp, theme.storefront(req.context.hooks, req.context.tenant))


class Languages:
    @op(response=schemas.LanguageListData, tags=TAGS, summary="Active languages")
    def on_get(self, req, resp):
        ok(resp, {"languages": services.active_languages()})


class Lang:
    @op(response=schemas.TranslationsData, tags=TAGS, summary="A language's interface strings")
    def on_get(self, req, resp, code):
        try:
            ok(resp, services.translations(code))
        except services.NotFound:
            raise _not_found("Language") from None


class Countries:
    @op(response=schemas.CountryListData, tags=TAGS, summary="All 249 countries with calling codes (strings)")
    def on_get(self, req, resp):
        ok(resp, {"countries": list(services.all_countries())})


class Currencies:
    @op(response=schemas.CurrencyListData, tags=TAGS, summary="Active currencies with their rates")
    def on_get(self, req, resp):
        ok(resp, {"currencies": services.active_currencies()})


class LegalPages:
    @op(response=schemas.LegalPageListData, tags=TAGS, summary="The legal pages (titles)")
    def on_get(self, req, resp):
        ok(resp, {"pages": [{k: p[k] for k in ("slug", "title", "updated_at")} for p in services.legal_pages()]})


class LegalPage:
    @op(response=schemas.HtmlContentData, tags=TAGS, summary="One legal page as the app's HtmlContentModel")
    def on_get(self, req, resp, slug):
        try:
            page = services.legal_page(slug)
        except services.NotFound:
            raise _not_found("Page") from None
        ok(resp, {"content": {"title": page["title"], "description": page["content"]}})


class ContactUs:
    @op(response=schemas.ContactData, tags=TAGS, summary="The platform's contact details")
    def on_get(self, req, resp):
        ok(resp, services.contact())


class Pages:
    @op(response=schemas.ContentPageListData, tags=TAGS, summary="Active content pages (titles)")
    def on_get(self, req, resp):
        ok(resp, {"pages": [{k: p[k] for k in ("slug", "title", "updated_at")} for p in services.pages()]})


class PageResource:
    @op(response=schemas.ContentPageData, tags=TAGS, summary="One content page")
    def on_get(self, req, resp, slug):
        try:
            page = services.page(slug)
        except services.NotFound:
            raise _not_found("Page") from None
        ok(resp, {"page": page, "content": {"title": page["title"], "description": page["content"]}})


class Menus:
    @op(response=schemas.MenuListData, tags=TAGS, summary="Storefront menus with their items")
    def on_get(self, req, resp):
        ok(resp, {"menus": list(services.menus())})


class Footers:
    @op(response=schemas.FooterListData, tags=TAGS, summary="Footer columns with their links")
    def on_get(self, req, resp):
        ok(resp, {"footers": list(services.footers())})


class SocialLinks:
    @op(response=schemas.SocialLinkListData, tags=TAGS, summary="Social media links")
    def on_get(self, req, resp):
        ok(resp, {"social_links": list(services.social_links())})


def _settings_payload() -> dict:
    settings = services.all_settings()
    return {key: settings[key] for key in schemas.SettingsOut._declared_fields}


class AdminSettings:
    @op(permission="settings.view", response=schemas.SettingsData, tags=ADMIN_TAGS,
        summary="General and verification settings")
    def on_get(self, req, resp):
        ok(resp, {"settings": _settings_payload()})

    @op(permission="settings.update", body=schemas.SettingsIn, response=schemas.SettingsData, tags=ADMIN_TAGS,
        summary="Change general and verification settings (only the keys sent)")
    def on_put(self, req, resp):
        try:
            with db.transaction():
                services.update_settings(req.context.body)
        except services.ConfigError as exc:
            raise _config_error(exc) from None
        ok(resp, {"settings": _settings_payload()}, "Settings updated.")


class AdminLegalPage:
    @op(permission="legal_pages.manage", body=schemas.LegalPageIn, response=schemas.LegalPageData,
        tags=ADMIN_TAGS, summary="Edit a legal page", max_body=schemas.CONTENT_MAX_BODY)
    def on_put(self, req, resp, slug):
        body = req.context.body
        try:
            with db.transaction():
                page = services.update_legal_page(slug, body.get("title"), body.get("content"))
        except services.NotFound:
            raise _not_found("Page") from None
        ok(resp, {"page": page}, "Page updated.")


class AdminPage:
    @op(permission="pages.manage", body=schemas.ContentPageIn, response=schemas.LegalPageData, tags=ADMIN_TAGS,
        summary="Create or edit a content page", max_body=schemas.CONTENT_MAX_BODY)
    def on_put(self, req, resp, slug):
        try:
            with db.transaction():
                page = services.update_page(slug, req.context.body)
        except services.ConfigError as exc:
            raise _config_error(exc) from None
        ok(resp, {"page": page}, "Page updated.")


class AdminCurrencies:
    @op(permission="currencies.manage", response=schemas.CurrencyListData, tags=ADMIN_TAGS,
        summary="Every currency, active or not")
    def on_get(self, req, resp):
        ok(resp, {"currencies": [services.currency_payload(c) for c in services.all_currencies()]})


class AdminCurrency:
    @op(permission="currencies.manage", body=schemas.CurrencyIn, response=schemas.CurrencyData, tags=ADMIN_TAGS,
        summary="Edit a currency: rate, symbol, position, active, default")
    def on_put(self, req, resp, currency_id):
        try:
            with db.transaction():
                services.update_currency(currency_id, req.context.body)
        except services.NotFound:
            raise _not_found("Currency") from None
        except services.ConfigError as exc:
            raise _config_error(exc) from None
        row = next(c for c in services.all_currencies() if c["id"] == currency_id)
        ok(resp, {"currency": services.currency_payload(row)}, "Currency updated.")


class AdminSocialAuths:
    @op(permission="social_auth.view", response=schemas.SocialAuthListData, tags=ADMIN_TAGS,
        summary="Social sign-in providers (secrets are never shown)")
    def on_get(self, req, resp):
        ok(resp, {"providers": list(services.social_auths())})


class AdminSocialAuth:
    @op(permission="social_auth.manage", body=schemas.SocialAuthIn, response=schemas.SocialAuthData,
        tags=ADMIN_TAGS, summary="Configure a social sign-in provider")
    def on_put(self, req, resp, provider):
        try:
            with db.transaction():
                row = services.update_social_auth(provider, req.context.body)
        except services.NotFound:
            raise _not_found("Provider") from None
        except services.ConfigError as exc:
            raise _config_error(exc) from None
        ok(resp, {"provider": row}, "Provider updated.")


class AdminTranslations:
    @op(permission="translations.manage", body=schemas.TranslationsIn, response=schemas.TranslationsData,
        tags=ADMIN_TAGS, summary="Add or change a language's interface strings")
    def on_put(self, req, resp, code):
        try:
            with db.transaction():
                services.set_translations(code, req.context.body["translations"])
        except services.NotFound:
            raise _not_found("Language") from None
        ok(resp, services.translations(code), "Translations updated.")


def routes() -> list[Route]:
    return [
        Route("/api/master", Master()),
        Route("/api/theme", Theme()),
        Route("/api/languages", Languages()),
        Route("/api/lang/{code}", Lang()),
        Route("/api/countries", Countries()),
        Route("/api/currencies", Currencies()),
        Route("/api/legal-pages", LegalPages()),
        Route("/api/legal-pages/{slug}", LegalPage()),
        Route("/api/contact-us", ContactUs()),
        Route("/api/pages", Pages()),
        Route("/api/pages/{slug}", PageResource()),
        Route("/api/menus", Menus()),
        Route("/api/footers", Footers()),
        Route("/api/social-links", SocialLinks()),
        Route("/api/admin/settings", AdminSettings()),
        Route("/api/admin/legal-pages/{slug}", AdminLegalPage()),
        Route("/api/admin/pages/{slug}", AdminPage()),
        Route("/api/admin/currencies", AdminCurrencies()),
        Route("/api/admin/currencies/{currency_id:int}", AdminCurrency()),
        Route("/api/admin/social-auth", AdminSocialAuths()),
        Route("/api/admin/social-auth/{provider}", AdminSocialAuth()),
        Route("/api/admin/translations/{code}", AdminTranslations()),
    ]
