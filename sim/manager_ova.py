"""Moved to sim/vcsim/manager_ova.py (one folder per simulated system, docs/simulators.md). This old path stays
importable as the same module object, so code that patches its attributes patches the real ones."""

import sys

from sim.vcsim import manager_ova

sys.modules[__name__] = manager_ova
