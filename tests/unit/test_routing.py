from plinth_tools import template as tpl
from plinth_tools.routing import Router
from plinth_tools.template import Route

ROUTES = [
    Route("GET", "/v1/resources/{id}", "Get"),
    Route("ANY", "/v1/resources/{id}", "NotAllowed"),
    Route("POST", "/v1/resources/bulk", "Bulk"),
    Route("ANY", "/v1/resources/bulk", "NotAllowed"),
    Route("GET", "/v1/things", "Things"),
]


def test_literal_segment_beats_parameter():
    router = Router(ROUTES)
    assert router.match("POST", "/v1/resources/bulk").route.function == "Bulk"
    # GET on the literal resource does not fall back to /{id}: it is that resource's ANY.
    assert router.match("GET", "/v1/resources/bulk").route.function == "NotAllowed"
    matched = router.match("GET", "/v1/resources/res_1")
    assert matched.route.function == "Get"
    assert matched.path_parameters == {"id": "res_1"}


def test_explicit_method_beats_any_and_unknown_is_none():
    router = Router(ROUTES)
    assert router.match("PUT", "/v1/resources/res_1").route.function == "NotAllowed"
    assert router.match("POST", "/v1/things") is None  # no ANY on that resource
    assert router.match("GET", "/v1/nothing") is None
    assert router.match("GET", "/v1/resources/a/b") is None


def test_template_routes_resolve_to_their_functions():
    router = Router(tpl.routes())
    for route in tpl.routes():
        path = route.path.replace("{id}", "x_1")
        assert router.match(route.method, path).route == route
