"""A real SMTP server for Attune's tests: aiosmtpd on loopback, storing every message it
accepts as a file (<dir>/<n>.eml, written atomically) for the tests to parse.

    python3 tests/support/smtp_sink.py --dir DIR [--port PORT]

Prints the port it listens on (one line) once it accepts connections, then serves until
killed. Port 0 (the default) picks a free one.
"""

import argparse
import asyncio
import itertools
import os
import sys

from aiosmtpd.smtp import SMTP


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(len(os.listdir(directory)) + 1)

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        final = os.path.join(self.directory, f"{n:06d}.eml")
        partial = final + ".part"
        with open(partial, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(partial, final)
        return "250 Message accepted for delivery"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    store = Store(args.dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(store, hostname="127.0.0.1"), "127.0.0.1", args.port, reuse_address=True
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
