"""Who may use a model's pages in the Django admin: administrators, by the service's own rules
(`leder.accounts.rules`) rather than Django's per-model permissions, so that there is one answer
to "may this person manage this". Nothing is deleted through the admin: accounts are
deactivated, roles ended, reference data retired, so the history stays true."""

from leder.accounts import rules


class AdministratorsOnly:
    """Mix into a `ModelAdmin` or an inline. `may_manage(user)` is the rule: an administrator,
    unless the admin names one of the narrower rules (`rules.can_manage_users`, …)."""

    may_manage = staticmethod(rules.is_administrator)

    def _allowed(self, request) -> bool:
        return self.may_manage(request.user)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return False
