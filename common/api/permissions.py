"""Who may call an endpoint: active staff holding a named Django permission."""

from rest_framework import permissions


class HasPerm(permissions.BasePermission):
    """Active staff with the permission `read` (`"app.codename"`); with `write`, that one for unsafe methods.

    Used as an instance: `permission_classes = (HasPerm("closedloop.view_case", write="closedloop.change_case"),)`.
    DRF calls each entry to build the view's permissions, and an instance answers with itself.
    Which role holds which permission is declared once, in `common.roles`.
    """

    def __init__(self, read: str, *, write: str | None = None) -> None:
        self.read = read
        self.write = write or read

    def __call__(self) -> "HasPerm":
        return self

    def __repr__(self) -> str:
        return f"HasPerm({self.read!r}, write={self.write!r})"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        return user.has_perm(self.read if request.method in permissions.SAFE_METHODS else self.write)
