"""Parents: guardian bindings, what a bound parent may ask, the worries parents voice.

``phrases`` and ``signals`` are pure (what a parent's message says); ``guardians`` and
``records`` are services taking ``(session, school)``; the handlers that talk are
``bot/handlers/guardians.py`` and ``bot/handlers/parents.py``.
"""
