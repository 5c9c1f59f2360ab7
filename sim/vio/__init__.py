"""Simulator of the VIO 7.x Public API (see sim/vio/server.py)."""

from sim.vio.model import SEED_NSX, SERVICES, Boot, Faults, Variants
from sim.vio.server import VioSimulator
from sim.vio.system import for_settings

__all__ = ["SEED_NSX", "SERVICES", "Boot", "Faults", "Variants", "VioSimulator", "for_settings"]
