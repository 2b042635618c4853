"""Small sample files for upload tests."""

import struct
import zlib


def png(width: int = 2, height: int = 3) -> bytes:
    """A valid, all-black greyscale PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


CSV = b"experiment,variant,visitors,conversions\n1,A,100,10\n1,B,100,14\n"
