"""Falcon's compiled router with a dictionary in front of it for fixed paths."""

from falcon.routing import CompiledRouter

_compiled_find = CompiledRouter.find


class Router(CompiledRouter):
    """Answer paths without variables from a dict, everything else as Falcon does.

    Falcon's generated finder tests the literal siblings of a segment one after
    another, so with a few hundred routes a request for ``/api/home`` pays for
    every ``/api/...`` sibling tested before it (about a microsecond, more than
    the rest of the kernel's routing work). Most of the app's paths are fixed,
    and a dict answers those in one lookup. The dict holds exactly what the
    compiled router answers for each fixed template, so both always agree; a
    path the dict does not know (variables, odd slashes) goes to the compiled
    router.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fixed_templates: list[str] = []
        self._fixed: dict | None = None

    def add_route(self, uri_template: str, resource: object, **kwargs) -> None:
        super().add_route(uri_template, resource, **kwargs)
        if "{" not in uri_template:
            self._fixed_templates.append(uri_template)
        self._fixed = None

    def _index_fixed(self) -> dict:
        fixed = {}
        for template in self._fixed_templates:
            found = _compiled_find(self, template)
            if found is not None:
                resource, method_map, _params, found_template = found
                fixed[template] = (resource, method_map, found_template)
        self._fixed = fixed
        return fixed

    def find(self, uri: str, req=None):
        fixed = self._fixed if self._fixed is not None else self._index_fixed()
        hit = fixed.get(uri)
        if hit is None:
            return _compiled_find(self, uri, req)
        return hit[0], hit[1], {}, hit[2]
