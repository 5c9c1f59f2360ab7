"""Runs inside the OpenStack virtualenv of sim/openstack (neutron, octavia, keystone importable there)."""
