"""Enums whose members each carry one record: :class:`~flux_widgets.activations.ActivationType`
(an :class:`~flux_widgets.activations.Activation` each) and :class:`~flux_widgets.costs.CostType`
(a :class:`~flux_widgets.costs.Cost` each).

A member's value is its record's ``name``; ``member.record`` is the record. ``parse`` takes a
member or its name in any case, with ``-`` or a space for ``_`` (``"Leaky-ReLU"``,
``"cross entropy"``), and refuses anything else with a ConfigurationError listing the
choices.
"""

from __future__ import annotations

import enum

from .errors import ConfigurationError

__all__ = ["RecordEnum"]


class RecordEnum(enum.Enum):
    """The base of an enum of records: ``class CostType(RecordEnum, noun="cost")``; with
    ``by_name=True`` a refusal lists the members' names (``RELU``), else their values."""

    def __init_subclass__(cls, noun="value", by_name=False, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._noun_and_style = (noun, by_name)

    def __new__(cls, record):
        member = object.__new__(cls)
        member._value_ = record.name
        member.record = record
        return member

    # Members are singletons compared by identity, so hashing by identity is
    # exact, and much faster than Enum's hash (written in Python) on a hot path.
    __hash__ = object.__hash__

    @classmethod
    def parse(cls, value):
        """Accept a member or its name in any case; ConfigurationError for anything else."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "_").replace(" ", "_")
            for member in cls:
                if key in (member.value, member.name.lower()):
                    return member
        noun, by_name = cls._noun_and_style
        choices = ", ".join(member.name if by_name else member.value for member in cls)
        raise ConfigurationError(f"unknown {noun} {value!r}; choose one of {choices}")
