"""A frozen dataclass made several times faster, for the classes a digest tick makes by the
hundred thousand.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` (its own
``__setattr__`` refuses): a method lookup and a call a field, about 0.25 µs each here, so an
experiment's view of 24 fields cost 6 µs to make. ``fast_frozen_init`` gives the class an
``__init__`` with the same parameters that writes the fields into the instance's ``__dict__``,
as ``object.__setattr__`` would. Everything else (equality, hashing, ``repr``, ``replace``,
refusing assignment) is the dataclass's own.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

_Class = TypeVar("_Class", bound=type)


def fast_frozen_init(cls: _Class) -> _Class:
    """Replaces the ``__init__`` of ``cls``, a frozen dataclass of plain fields (no
    ``__post_init__``, slots, keyword-only or ``init=False`` fields, or default factories)."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass")
    # Instances without a __dict__ (slots all the way up) keep their fields elsewhere.
    if hasattr(cls, "__post_init__") or not cls.__dictoffset__:
        raise TypeError(f"{cls.__name__} has __post_init__ or slots: its __init__ stays")
    defaults: dict[str, Any] = {}
    parameters: list[str] = []
    for field in dataclasses.fields(cls):
        if not field.init or field.kw_only or field.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{field.name} is not a plain field")
        if field.default is dataclasses.MISSING:
            parameters.append(field.name)
        else:
            defaults[f"_default_{field.name}"] = field.default
            parameters.append(f"{field.name}=_default_{field.name}")
    names = [field.name for field in dataclasses.fields(cls)]
    source = (
        f"def __init__(self, {', '.join(parameters)}):\n    fields = self.__dict__\n"
        + "".join(f"    fields[{name!r}] = {name}\n" for name in names)
    )
    namespace: dict[str, Any] = dict(defaults)
    exec(source, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    setattr(cls, "__init__", init)  # noqa: B010 - mypy refuses assigning __init__ directly
    return cls
