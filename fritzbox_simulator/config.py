"""Start-up configuration of a simulated box: who may log in and which firmware it mimics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .faults import Faults
from .scpd import remote_access_scpd
from .second_factor import DEFAULT_METHODS, parse_methods
from .state import LINES
from .users import BoxUser

if TYPE_CHECKING:
    from collections.abc import Iterable

Profile = Literal["modern", "legacy"]
ModeSpelling = Literal["ddns_together", "ddns_both_together"]
Locale = Literal["de", "en"]

PROFILES: tuple[Profile, ...] = ("modern", "legacy")
MODE_SPELLINGS: tuple[ModeSpelling, ...] = ("ddns_together", "ddns_both_together")
LOCALES: tuple[Locale, ...] = ("de", "en")

#: A demo password, not a secret: the simulator only ever listens where its tests run.
DEFAULT_PASSWORD = "fritz-sim-2024"  # noqa: S105 - a printed demo password, not a secret


@dataclass(frozen=True, slots=True)
class Firmware:
    """What the description and DeviceInfo report for one profile."""

    major: int
    minor: int
    patch: int
    build: int

    @property
    def display(self) -> str:
        """The version as FRITZ!OS shows it, e.g. ``154.07.57``."""
        return f"{self.major}.{self.minor:02d}.{self.patch:02d}"


#: modern: a current FRITZ!OS with Let's Encrypt; legacy: 7.2x, before it was added to TR-064.
FIRMWARE: dict[Profile, Firmware] = {
    "modern": Firmware(154, 7, 57, 108_010),
    "legacy": Firmware(154, 7, 21, 85_420),
}
MODEL_NAME = "FRITZ!Box 7590"

#: What ``confirm`` protects: every write of X_AVM-DE_RemoteAccess the firmware has.
REMOTE_ACCESS_WRITES = ("SetConfig", "SetDDNSConfig", "SetEnable", "SetLetsEncryptEnable")


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """Everything fixed at start; the mutable truth lives in ``BoxState`` and ``Faults``.

    ``users`` replaces the default user list; without it the box has one user
    ``username``/``password`` with the right C and internet access. ``unauthenticated_allowance``
    is how many requests without credentials one client may send since its last successful login
    before each further one counts toward the lockout (see ``lockout.LoginGuard``).
    ``tr064_enabled=False`` is a box whose "access for applications" (TR-064) is off: it serves
    no ``tr64desc.xml`` (404) and answers every action with UPnP 401 Invalid Action.

    The second factor (see ``second_factor``): ``confirm`` protects every write of
    X_AVM-DE_RemoteAccess, ``protected_actions`` names further (or other) actions of that
    service; ``second_factor_methods`` is what ``SetConfig(start)`` offers,
    ``second_factor_seconds`` how long a process waits (and a confirmed token stays valid),
    ``second_factor_attempts`` how many unconfirmed starts the box takes before it blocks
    for ``second_factor_block_seconds``. ``second_factor_enabled=False`` protects nothing.
    ``second_factor_service=False`` leaves X_AVM-DE_Auth out of the description while the
    protected actions still answer 866: a box whose confirmation no client can run.
    ``control_api`` serves the simulator's own HTTP control interface (see ``control_api``).

    ``line`` picks the external addresses from ``state.LINES`` (``public``, ``ds-lite``,
    ``cgnat``, ``private``); ``app_setup=False`` is a box without X_AVM-DE_AppSetup.
    """

    username: str = "admin"
    password: str = field(default=DEFAULT_PASSWORD, repr=False)
    users: tuple[BoxUser, ...] | None = None
    profile: Profile = "modern"
    mode_spelling: ModeSpelling = "ddns_together"
    locale: Locale = "de"
    tls: bool = False
    tr064_enabled: bool = True
    faults: Faults = field(default_factory=Faults)
    lockout_threshold: int = 10
    lockout_seconds: float = 60.0
    unauthenticated_allowance: int = 20
    nonce_lifetime: float = 60.0
    udn: str | None = None
    ddns_checking_seconds: float = 2.0
    ddns_updating_seconds: float = 3.0
    lets_encrypt_seconds: float = 30.0
    seed: int | None = None
    confirm: bool = False
    protected_actions: Iterable[str] = frozenset()
    second_factor_enabled: bool = True
    second_factor_service: bool = True
    second_factor_methods: str = DEFAULT_METHODS
    second_factor_seconds: float = 300.0
    second_factor_attempts: int = 5
    second_factor_block_seconds: float = 600.0
    control_api: bool = False
    line: str = "public"
    app_setup: bool = True

    def __post_init__(self) -> None:
        """Fail at construction rather than with a confusing box later."""
        object.__setattr__(self, "protected_actions", frozenset(self.protected_actions))
        self.check_protected(self.protected_actions)
        parse_methods(self.second_factor_methods)
        if self.line not in LINES:
            raise ValueError(f"line must be one of {tuple(LINES)}")
        if self.second_factor_attempts < 1:
            raise ValueError("second_factor_attempts must be at least 1")
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}")
        if self.mode_spelling not in MODE_SPELLINGS:
            raise ValueError(f"mode_spelling must be one of {MODE_SPELLINGS}")
        if self.locale not in LOCALES:
            raise ValueError(f"locale must be one of {LOCALES}")
        if self.lockout_threshold < 1:
            raise ValueError("lockout_threshold must be at least 1")
        for name in (
            "lockout_seconds",
            "nonce_lifetime",
            "ddns_checking_seconds",
            "ddns_updating_seconds",
            "lets_encrypt_seconds",
            "second_factor_seconds",
            "second_factor_block_seconds",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.unauthenticated_allowance < 0:
            raise ValueError("unauthenticated_allowance must not be negative")
        if self.udn is not None and not self.udn.startswith("uuid:"):
            raise ValueError('udn must start with "uuid:"')

    @property
    def firmware(self) -> Firmware:
        """The firmware the profile mimics."""
        return FIRMWARE[self.profile]

    def check_protected(self, actions: Iterable[str]) -> frozenset[str]:
        """Return ``actions`` if this firmware's RemoteAccess has them all; else ValueError."""
        chosen = frozenset(actions)
        known = self._remote_access_actions()
        unknown = chosen - known
        if unknown:
            raise ValueError(
                f"no such X_AVM-DE_RemoteAccess action on this firmware: {sorted(unknown)}; "
                f"known: {sorted(known)}"
            )
        return chosen

    @property
    def protected(self) -> frozenset[str]:
        """Actions of X_AVM-DE_RemoteAccess that need the second factor at start."""
        writes = frozenset(REMOTE_ACCESS_WRITES) if self.confirm else frozenset()
        return frozenset(self.protected_actions) | (writes & self._remote_access_actions())

    def _remote_access_actions(self) -> frozenset[str]:
        scpd = remote_access_scpd(self.profile, self.mode_spelling)
        return frozenset(action.name for action in scpd.actions)

    @property
    def lets_encrypt(self) -> bool:
        """Whether this firmware has the Let's Encrypt arguments and action."""
        return self.profile == "modern"

    def initial_users(self) -> tuple[BoxUser, ...]:
        """Return ``users``, or the one default user made of ``username`` and ``password``."""
        if self.users is not None:
            return self.users
        return (BoxUser(self.username, self.password),)
