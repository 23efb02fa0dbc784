"""Box users and their rights, as the FRITZ!Box user administration knows them."""

from __future__ import annotations

from dataclasses import dataclass, field

#: C = box settings, A = restricted settings for apps, P = phone, N = NAS, H = smart home.
ALL_RIGHTS = frozenset({"C", "A", "P", "N", "H"})
CONFIGURATION_RIGHT = "C"


@dataclass(frozen=True, slots=True)
class BoxUser:
    """One user account; frozen so that changes go through the state machine explicitly.

    ``internet_access`` is the box's "access from the internet allowed" flag. A user with the
    right ``C`` and internet access has "box configuration rights from the internet".
    """

    name: str
    password: str = field(repr=False)
    rights: frozenset[str] = frozenset({CONFIGURATION_RIGHT})
    internet_access: bool = True
    enabled: bool = True

    def __post_init__(self) -> None:
        """Refuse rights the box does not know."""
        unknown = set(self.rights) - ALL_RIGHTS
        if unknown:
            raise ValueError(f"unknown rights {sorted(unknown)}; known: {sorted(ALL_RIGHTS)}")

    @property
    def configuration_rights(self) -> bool:
        """Whether the user may change box settings (right ``C``)."""
        return CONFIGURATION_RIGHT in self.rights

    def may(self, allowed: frozenset[str]) -> bool:
        """Whether any of the user's rights is among ``allowed``."""
        return self.enabled and not self.rights.isdisjoint(allowed)
