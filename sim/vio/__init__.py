"""Simulator of the VIO 7.x Public API (see sim/vio/server.py)."""

from sim.vio.server import SEED_NSX, SERVICES, Faults, VioSimulator

__all__ = ["SEED_NSX", "SERVICES", "Faults", "VioSimulator"]
