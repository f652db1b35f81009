"""HTTP routes. Each module exposes ``ROUTES`` (handlers/routers) collected by api.app."""
