"""Simulator of the NSX-T Manager API terraform-provider-nsxt v3.11.0 uses (see sim/nsx/server.py)."""

from sim.nsx.seed import for_settings
from sim.nsx.server import DEFAULT_VERSION, Faults, NsxSimulator
from sim.nsx.tree import ApiError

__all__ = ["DEFAULT_VERSION", "ApiError", "Faults", "NsxSimulator", "for_settings"]
