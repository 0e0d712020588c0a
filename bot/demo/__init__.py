"""The offline demo: the real bot against the Slack simulator (:mod:`slacksim`).

``harness`` builds the bot and a simulated workspace (the tests and benchmarks use it
too); ``story`` plays the scripted report, ``handling`` the responders' part, ``hr``
the HR manager's questions, and ``output`` prints what each person sees.
"""
