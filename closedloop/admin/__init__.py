"""The triage console: CX staff work the case queue; leads configure teams, rules, SLAs, root causes and notes.

Every change to a case goes through `services`; the admin only collects what staff ask for.
`queue` holds the case list's columns, filters and paging; `forms` what staff submit; `cases`
the case admin and its actions; `config` what leads configure.
"""

from closedloop.admin import cases, config  # noqa: F401 - importing registers the admins
