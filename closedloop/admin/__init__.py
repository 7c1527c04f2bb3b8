"""The triage console: CX staff work the case queue; leads configure teams, rules, SLAs, root causes and notes;
marketing works the advocates.

Every change to a case or an advocate goes through `services`; the admin only collects what staff ask for.
`queue` holds the case list's badges and filters (its rows are `closedloop.queue_rows`'); `forms`
what staff submit; `cases` the case admin and its actions; `config` what leads configure;
`advocates` the advocates, their actions and exports, referrals and the export log.
"""

from closedloop.admin import advocates, cases, config  # noqa: F401 - importing registers the admins
