"""The console's top: home pages, and the wiring of every app's API under /api/v1/."""
