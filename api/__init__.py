"""The HTTP API (Litestar). Nothing imports ``api`` but ``cli``.

* ``api.app``: ``create_app(settings=None, *, clock=utc_now) -> Litestar`` (composition root; the
  lifespan opens the database, runs the migrations and loads the master keyring),
  ``open_resources(settings) -> Resources`` (the same, for the CLI), ``Settings``.
* ``api.settings``: ``Settings.from_env(env=None, **overrides)`` — ORTHO_* variables (docs/service.md).
* ``api.problems``: ``ApiError(status, code, mensagem, *, field, cstat, errors)``, ``FieldError``,
  ``problem(...)``, ``EXCEPTION_HANDLERS`` (RFC 9457 problem+json for every error).
* ``api.security``: ``requires(*permissions)`` guard, ``provide_principal`` dependency.
* ``api.context``: ``Resources`` (settings, db, keyring, clock), ``request_id_middleware``.
* ``api.routes``: ``system`` (/health, /v1/me), ``emitters`` (/v1/emitters...), ``audit`` (/v1/audit);
  ``routes.common``: ``blocking(fn)``, ``record(conn, request, principal, action, target, details)``.
* ``api.demo``: ``ensure_demo(resources) -> DemoSetup | None``.
"""
