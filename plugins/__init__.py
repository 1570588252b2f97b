"""First-party QuteCat plugins, one package each."""
