"""Loaded by pytest before Django (``-p foster.testing.pytest_plugin``): selects the test mode."""

import os
import tempfile

os.environ.setdefault("FOSTER_MODE", "test")
os.environ.setdefault("FOSTER_VAR_DIR", os.path.join(tempfile.gettempdir(), "foster-test-var"))
