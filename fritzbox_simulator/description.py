"""The device description (``tr64desc.xml``): devices and services laid out as on a 7590."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
import uuid
from xml.sax.saxutils import escape

from .config import MODEL_NAME, Firmware

if TYPE_CHECKING:
    from collections.abc import Iterator

DEVICE_NAMESPACE = "urn:dslforum-org:device-1-0"
ROOT_DEVICE_TYPE = "urn:dslforum-org:device:InternetGatewayDevice:1"
DESCRIPTION_PATH = "/tr64desc.xml"
HARDWARE_CODE = 226  # what a 7590 reports as systemVersion/HW


@dataclass(frozen=True, slots=True)
class Service:
    """One service entry; ``id_prefix`` is the part before ``-com`` in the serviceId."""

    name: str
    control: str
    scpd: str
    version: int = 1
    id_prefix: str | None = None
    instance: int = 1

    @property
    def service_type(self) -> str:
        """E.g. ``urn:dslforum-org:service:DeviceInfo:1``."""
        return f"urn:dslforum-org:service:{self.name}:{self.version}"

    @property
    def service_id(self) -> str:
        """E.g. ``urn:DeviceInfo-com:serviceId:DeviceInfo1``."""
        return f"urn:{self.id_prefix or self.name}-com:serviceId:{self.name}{self.instance}"

    @property
    def control_url(self) -> str:
        """Where SOAP requests go; boxes use the same path for eventSubURL."""
        return f"/upnp/control/{self.control}"

    @property
    def scpd_url(self) -> str:
        """Where the service description is served."""
        return f"/{self.scpd}SCPD.xml"


@dataclass(frozen=True, slots=True)
class Device:
    """A device entry with its services and nested devices."""

    kind: str
    friendly_name: str
    services: tuple[Service, ...]
    devices: tuple[Device, ...] = ()

    @property
    def device_type(self) -> str:
        """E.g. ``urn:dslforum-org:device:LANDevice:1``."""
        return f"urn:dslforum-org:device:{self.kind}:1"


def _wlan(instance: int) -> Service:
    return Service(
        "WLANConfiguration", f"wlanconfig{instance}", "wlanconfig", instance, instance=instance
    )


ROOT_DEVICE = Device(
    "InternetGatewayDevice",
    MODEL_NAME,
    (
        Service("DeviceInfo", "deviceinfo", "deviceinfo"),
        Service("DeviceConfig", "deviceconfig", "deviceconfig"),
        Service("Layer3Forwarding", "layer3forwarding", "layer3forwarding"),
        Service("LANConfigSecurity", "lanconfigsecurity", "lanconfigsecurity"),
        Service("ManagementServer", "mgmsrv", "mgmsrv"),
        Service("Time", "time", "time"),
        Service("UserInterface", "userif", "userif"),
        Service("X_AVM-DE_Storage", "x_storage", "x_storage"),
        Service("X_AVM-DE_WebDAVClient", "x_webdav", "x_webdav", id_prefix="X_AVM-DE_WebDAV"),
        Service("X_AVM-DE_UPnP", "x_upnp", "x_upnp"),
        Service("X_AVM-DE_Speedtest", "x_speedtest", "x_speedtest"),
        Service("X_AVM-DE_RemoteAccess", "x_remote", "x_remote"),
        Service("X_AVM-DE_MyFritz", "x_myfritz", "x_myfritz"),
        Service("X_VoIP", "x_voip", "x_voip"),
        Service("X_AVM-DE_OnTel", "x_contact", "x_contact"),
        Service("X_AVM-DE_Dect", "x_dect", "x_dect"),
        Service("X_AVM-DE_TAM", "x_tam", "x_tam"),
        Service("X_AVM-DE_AppSetup", "x_appsetup", "x_appsetup"),
        Service("X_AVM-DE_Homeauto", "x_homeauto", "x_homeauto"),
        Service("X_AVM-DE_Homeplug", "x_homeplug", "x_homeplug"),
        Service("X_AVM-DE_Filelinks", "x_filelinks", "x_filelinks"),
        Service("X_AVM-DE_Auth", "x_auth", "x_auth"),
        Service("X_AVM-DE_HostFilter", "x_hostfilter", "x_hostfilter"),
    ),
    (
        Device(
            "LANDevice",
            f"{MODEL_NAME} LAN",
            (
                _wlan(1),
                _wlan(2),
                _wlan(3),
                Service("Hosts", "hosts", "hosts", id_prefix="LanDeviceHosts"),
                Service(
                    "LANEthernetInterfaceConfig",
                    "lanethernetifcfg",
                    "ethifconfig",
                    id_prefix="LANEthernetIfCfg",
                ),
                Service(
                    "LANHostConfigManagement",
                    "lanhostconfigmgm",
                    "lanhostconfigmgm",
                    id_prefix="LANHCfgMgm",
                ),
            ),
        ),
        Device(
            "WANDevice",
            f"{MODEL_NAME} WAN",
            (
                Service(
                    "WANCommonInterfaceConfig",
                    "wancommonifconfig1",
                    "wancommonifconfig",
                    id_prefix="WANCIfConfig",
                ),
                Service(
                    "WANDSLInterfaceConfig",
                    "wandslifconfig1",
                    "wandslifconfig",
                    id_prefix="WANDSLIfConfig",
                ),
            ),
            (
                Device(
                    "WANConnectionDevice",
                    f"{MODEL_NAME} WAN Connection",
                    (
                        Service("WANDSLLinkConfig", "wandsllinkconfig1", "wandsllinkconfig"),
                        Service("WANEthernetLinkConfig", "wanethlinkconfig1", "wanethlinkconfig"),
                        Service("WANPPPConnection", "wanpppconn1", "wanpppconn"),
                        Service("WANIPConnection", "wanipconnection1", "wanipconn"),
                    ),
                ),
            ),
        ),
    ),
)


def walk_services(
    device: Device = ROOT_DEVICE, omit: frozenset[str] = frozenset()
) -> Iterator[Service]:
    """Every service of ``device`` and its nested devices, depth first, but those in ``omit``."""
    yield from (service for service in device.services if service.name not in omit)
    for child in device.devices:
        yield from walk_services(child, omit)


def sub_device_udn(root_udn: str, device: Device) -> str:
    """Derive a stable UDN for a nested device from the root's."""
    return f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{root_udn}/{device.kind}')}"


def _render_device(device: Device, udn: str, root_udn: str, omit: frozenset[str]) -> str:
    services = "".join(
        "<service>\n"
        f"<serviceType>{s.service_type}</serviceType>\n"
        f"<serviceId>{s.service_id}</serviceId>\n"
        f"<controlURL>{s.control_url}</controlURL>\n"
        f"<eventSubURL>{s.control_url}</eventSubURL>\n"
        f"<SCPDURL>{s.scpd_url}</SCPDURL>\n"
        "</service>\n"
        for s in device.services
        if s.name not in omit
    )
    children = "".join(
        _render_device(child, sub_device_udn(root_udn, child), root_udn, omit)
        for child in device.devices
    )
    device_list = f"<deviceList>\n{children}</deviceList>\n" if children else ""
    return (
        "<device>\n"
        f"<deviceType>{device.device_type}</deviceType>\n"
        f"<friendlyName>{escape(device.friendly_name)}</friendlyName>\n"
        "<manufacturer>AVM</manufacturer>\n"
        "<manufacturerURL>http://www.avm.de</manufacturerURL>\n"
        f"<modelDescription>{escape(MODEL_NAME)}</modelDescription>\n"
        f"<modelName>{escape(MODEL_NAME)}</modelName>\n"
        "<modelNumber>avm</modelNumber>\n"
        "<modelURL>http://www.avm.de</modelURL>\n"
        f"<UDN>{escape(udn)}</UDN>\n"
        f"<serviceList>\n{services}</serviceList>\n"
        f"{device_list}"
        "<presentationURL>http://fritz.box</presentationURL>\n"
        "</device>\n"
    )


def render_description(udn: str, firmware: Firmware, omit: frozenset[str] = frozenset()) -> bytes:
    """``tr64desc.xml`` for a box with root UDN ``udn`` running ``firmware``, less ``omit``."""
    return (
        '<?xml version="1.0"?>\n'
        f'<root xmlns="{DEVICE_NAMESPACE}">\n'
        "<specVersion><major>1</major><minor>0</minor></specVersion>\n"
        "<systemVersion>\n"
        f"<HW>{HARDWARE_CODE}</HW>\n<Major>{firmware.major}</Major>\n"
        f"<Minor>{firmware.minor}</Minor>\n<Patch>{firmware.patch}</Patch>\n"
        f"<Buildnumber>{firmware.build}</Buildnumber>\n<Display>{firmware.display}</Display>\n"
        "</systemVersion>\n"
        f"{_render_device(ROOT_DEVICE, udn, udn, omit)}"
        "</root>\n"
    ).encode()
