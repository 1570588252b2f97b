"""The router's dictionary of fixed paths answers exactly what Falcon's compiled router would."""

from falcon.routing import CompiledRouter

from kernel.http.router import Router


class Resource:
    def on_get(self, req, resp):
        pass


def test_every_route_of_the_platform_routes_as_falcon_routes_it(platform):
    # given the platform's router and every template it holds
    router = platform.app._router
    assert isinstance(router, Router)
    templates = list(router._fixed_templates)
    assert len(templates) > 100
    # when each fixed path, and the same path with a trailing segment, is looked up both ways
    for path in templates + [t + "/7" for t in templates] + ["//api/home", "/api/nope"]:
        ours, falcons = router.find(path), CompiledRouter.find(router, path)
        # then both name the same resource, responders and template
        if falcons is None:
            assert ours is None, path
        else:
            assert ours[0] is falcons[0] and ours[1] is falcons[1] and ours[3] == falcons[3], path
            assert ours[2] == falcons[2], path


def test_a_literal_segment_beats_a_variable_and_late_routes_are_seen():
    # given a templated route and a fixed one under it, then a route added after the first lookup
    router = Router()
    item, cancel, late = Resource(), Resource(), Resource()
    router.add_route("/api/orders/{order_id}", item)
    router.add_route("/api/orders/cancel", cancel)
    assert router.find("/api/orders/cancel")[0] is cancel
    router.add_route("/api/late", late)
    # then the fixed path wins, variables still bind, and the late route is found
    assert router.find("/api/orders/9")[0] is item and router.find("/api/orders/9")[2] == {"order_id": "9"}
    assert router.find("/api/late")[0] is late
    # and each answer carries its own params dict
    first, second = router.find("/api/late")[2], router.find("/api/late")[2]
    first["x"] = 1
    assert second == {}
