"""Named signals: how one part of Stepwise reacts to another without importing it.

The foundation (accounts, groups, sessions) sends; the parts built on it (the live channel,
summaries, check-ins, ...) connect their receivers in their own `init_app`. Signals that say
something happened are sent after the commit (`after_commit`), so receivers see it stored;
`session_ending` is sent inside the transaction that ends the session, so what it counts is
counted once, together with the end.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender: the LiveSession, inside the transaction that ends it (its summary is counted then).
session_ending = _signals.signal("session-ending")
#: sender: the LiveSession, after the commit that ended it (the room is told, phones closed).
#: sender: the LiveSession, inside the transaction that moves its agenda to another step (so a
#: capability can tell the room what the new step holds, once committed); `previous`: the step's
#: index before.
step_changing = _signals.signal("step-changing")
session_ended = _signals.signal("session-ended")
#: sender: the LiveSession, after the commit that started it (open consoles are told).
session_started = _signals.signal("session-started")
#: sender: the facilitator id; `sign_in_ids`: the sign-ins that ended, or None for all of them.
sign_ins_ended = _signals.signal("sign-ins-ended")
#: sender: the facilitator id; `group_id`: the group they no longer help run.
left_group = _signals.signal("left-group")
