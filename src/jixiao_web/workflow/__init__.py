"""Workflows shared by every kind of work: states, review decisions and the in-system inbox.

- :mod:`.machine` — a workflow as data (states, transitions, roles, 审核意见 rules);
- :mod:`.models` — :class:`~.models.WorkflowEvent` (every decision: who, when, from, to, the
  opinion) and :class:`~.models.Notice` (a user's inbox: tasks, returns, notices to
  acknowledge, overdue items);
- :mod:`.services` — the only way an object changes state, and the only way notices are
  sent (in-system, and by e-mail through Django's mail backend when the user has an address).
"""
