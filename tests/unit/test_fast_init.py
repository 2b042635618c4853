"""A frozen dataclass with the fast ``__init__`` behaves as the dataclass it was."""

import dataclasses
import pickle
from dataclasses import dataclass

import pytest

from experiments.fast_init import fast_frozen_init


@dataclass(frozen=True)
class Plain:
    number: int
    name: str
    rate: float | None = None
    tags: tuple[str, ...] = ()


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class Fast:
    number: int
    name: str
    rate: float | None = None
    tags: tuple[str, ...] = ()


def test_it_is_made_equal_hashed_and_shown_as_the_dataclass_makes_it() -> None:
    for args, kwargs in [((1, "a"), {}), ((2, "b", 0.5), {}), ((), {"name": "c", "number": 3})]:
        plain, fast = Plain(*args, **kwargs), Fast(*args, **kwargs)
        assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
        assert repr(fast) == repr(plain).replace("Plain", "Fast")
    assert Fast(1, "a") == Fast(1, "a", None, ())
    assert hash(Fast(1, "a")) == hash(Fast(1, "a"))
    assert Fast(1, "a") != Fast(1, "b")
    assert dataclasses.replace(Fast(1, "a"), rate=0.2) == Fast(1, "a", 0.2)
    assert pickle.loads(pickle.dumps(Fast(4, "d", tags=("x",)))) == Fast(4, "d", tags=("x",))


def test_it_stays_frozen_and_takes_the_same_arguments() -> None:
    fast = Fast(1, "a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.number = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        Fast(1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Fast(1, "a", unknown=3)  # type: ignore[call-arg]


def test_a_class_it_cannot_keep_the_same_is_refused() -> None:
    @dataclass
    class Mutable:
        number: int

    @dataclass(frozen=True, slots=True)
    class Checked:
        number: int

        def __post_init__(self) -> None:
            assert self.number > 0

    @dataclass(frozen=True, slots=True)
    class Listed:
        numbers: list[int] = dataclasses.field(default_factory=list)

    @dataclass(frozen=True)
    class WithoutSlots:
        number: int

    for cls in (Mutable, Checked, Listed, WithoutSlots):
        with pytest.raises(TypeError):
            fast_frozen_init(cls)
