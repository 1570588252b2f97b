"""The hello plugin's one resource: a greeting for the storefront's visitors."""

from kernel.http import Route, ok, op
from qutecat_hello import schemas

FEATURE = "hello.greet"


class Hello:
    @op(feature=FEATURE, response=schemas.HelloData, tags=("hello",),
        summary="Greet the storefront's visitors (needs the hello.greet feature)")
    def on_get(self, req, resp):
        # The kernel already resolved the storefront and checked the feature, so a
        # request reaching this line is for a shop that may use it.
        shop = req.context.shop
        ok(resp, {"greeting": f"Hello from {shop.name}!", "shop": shop.slug})


def routes() -> list[Route]:
    return [Route("/api/hello", Hello())]
