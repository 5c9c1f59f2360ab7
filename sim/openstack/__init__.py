"""Real OpenStack services (one pinned release from PyPI) behind the simulated VIO, on loopback.

`python -m sim.openstack start|stop|status` (or `make openstack-sim`): Keystone, Neutron (ML2, router,
FWaaS v2), Nova API and Octavia (API + worker, noop drivers) over TLS, with Debian's MariaDB and RabbitMQ
run as our own processes. See release.py (versions, virtualenv), layout.py (addresses, state),
configs.py (what each service is configured to do) and plugin/ (what the simulated VIO adds to
reference Neutron).
"""
