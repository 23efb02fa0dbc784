"""Tools for trying the integration without a FRITZ!Box: scripts/develop and the e2e tests.

``demo_box`` runs the simulated box (with ``dns_server``, its DDNS name on loopback),
``hass_process`` runs a real ``hass`` (with ``fritzbox_demo_dns``, which points the DNS check
at that server), ``hass_api`` talks to its REST API and ``develop`` puts them together for
scripts/develop.
"""
