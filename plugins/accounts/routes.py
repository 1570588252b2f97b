"""URI templates of the accounts plugin: the canonical set and the Flutter app's set."""

ROUTES = []
