"""Loaded by pytest before Django (``-p foster.testing.pytest_plugin``): selects the test mode."""

import os

os.environ.setdefault("FOSTER_MODE", "test")
os.environ.setdefault("FOSTER_VAR_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "foster-test-var"))
