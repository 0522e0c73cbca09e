"""In-memory state: one store per (account, region), tables of plain dicts."""

from mockgw.state.backends import Backends, RegionStore

__all__ = ["Backends", "RegionStore"]
