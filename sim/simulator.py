"""Moved to sim/vcsim/simulator.py (one folder per simulated system, docs/simulators.md). This old path stays
importable as the same module object, so code that patches its attributes patches the real ones."""

import sys

from sim.vcsim import simulator

sys.modules[__name__] = simulator
