"""Placeholder until helper "tenant" lands components/tenant_args.py (tenant_network without pulumi_nsxt)."""

from components.stack_args import tenant_network

__all__ = ["tenant_network"]
