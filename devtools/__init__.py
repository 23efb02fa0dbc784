"""Tools for trying the integration without a FRITZ!Box: scripts/develop and the e2e tests.

``demo_box`` runs the simulated box, ``hass_process`` runs a real ``hass``, ``hass_api`` talks
to its REST API and ``develop`` puts them together for scripts/develop.
"""
