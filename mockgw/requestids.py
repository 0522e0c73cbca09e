"""Request ids: the UUID4-shaped ``x-amzn-RequestId`` of every answer.

They are drawn from a generator of their own (seeded by the OS once), not from
``os.urandom`` per request (:func:`uuid.uuid4`: a system call each, ~8 us of a MOCK
invoke on the server's thread under load, ``bench/``) and not from the instance's seeded
generator, whose sequence seeded tests rely on (canary rolls, ids of created resources).
A request id identifies; it guards nothing, so it needs no cryptographic source.
"""

from __future__ import annotations

import os
import random

_generator = random.Random(os.urandom(16))
_bits = _generator.getrandbits
os.register_at_fork(after_in_child=lambda: _generator.seed(os.urandom(16)))  # no shared ids
#: Clears the version nibble and the variant's two bits of a 128-bit number...
_CLEAR = ~((0xF << 76) | (0x3 << 62))
#: ...and sets them for a version 4 (random) UUID of RFC 9562's variant.
_SET = (0x4 << 76) | (0x2 << 62)


def new_request_id() -> str:
    """A random version 4 UUID in its canonical form (``8-4-4-4-12`` hex digits)."""
    h = f"{_bits(128) & _CLEAR | _SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
