"""The registry of the national report's metrics (`national.NATIONAL`), on its own so that a
module registering into it (`care`) needs only the registry, not the module that lists it."""

#: metric key -> metric, in the report's order: filled as `national` and `care` are imported.
NATIONAL: dict = {}
