"""The OpenAPI schema's shared parts: what every operation may answer, whatever its view says."""

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
NUL_REFUSED = "The address carries a NUL character (%00), which no id or filter value may contain."


def bad_address_documented(result: dict, generator, request, public) -> dict:
    """A drf-spectacular postprocessing hook: every operation may answer 400 to a NUL in its address.

    The request check (cxplatform.request_checks) refuses such a request before any view runs, so
    an operation that documents no 400 of its own still answers one.
    """
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method in HTTP_METHODS:
                operation.setdefault("responses", {}).setdefault("400", {"description": NUL_REFUSED})
    return result
