"""A plugin whose import fails, as a third-party package with a missing library would."""

raise ImportError("qutecat_missing_library is not installed")
