"""A frozen dataclass made twice as fast to build, for the classes a digest tick makes by the
hundred thousand.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (its own
``__setattr__`` refuses), which finds the field's descriptor anew each time: about 0.25 µs a
field here, so an experiment's view of 24 fields cost 6 µs to make. A class with slots has a
descriptor per field whose ``__set__`` stores the value directly; ``fast_frozen_init`` gives the
class an ``__init__`` with the same parameters that calls those. Everything else (equality,
hashing, ``repr``, ``replace``, refusing assignment) is the dataclass's own.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

_Class = TypeVar("_Class", bound=type)


def fast_frozen_init(cls: _Class) -> _Class:
    """Replaces the ``__init__`` of ``cls``, a frozen dataclass with slots and plain fields (no
    ``__post_init__``, keyword-only or ``init=False`` fields, or default factories)."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass with slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__: its __init__ stays")
    namespace: dict[str, Any] = {}
    parameters: list[str] = []
    body: list[str] = []
    for field in dataclasses.fields(cls):
        name = field.name
        if not field.init or field.kw_only or field.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{name} is not a plain field")
        if field.default is dataclasses.MISSING:
            parameters.append(name)
        else:
            namespace[f"_default_{name}"] = field.default
            parameters.append(f"{name}=_default_{name}")
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__
        body.append(f"    _set_{name}(self, {name})\n")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + ("".join(body) or "    pass\n")
    exec(source, namespace)  # the source is built above from the field names alone
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    setattr(cls, "__init__", init)  # noqa: B010 - mypy refuses assigning __init__ directly
    return cls
