#!/usr/bin/env python3
"""STARTTLS-capable SMTP next hop for scripts/demo.

Listens on a loopback port, requires STARTTLS before MAIL FROM, and writes each
message it accepts to OUTDIR as a .eml file. It prepends its own Received
header naming the TLS version and cipher, so the file shows how the second hop
was protected. Prints the path of each file it writes on standard output.

Needs aiosmtpd (Debian: python3-aiosmtpd). Stops on SIGTERM or SIGINT.
"""

import argparse
import email.utils
import itertools
import logging
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller


class EmlFolderHandler:
    """Writes every accepted message to a folder, one .eml file each."""

    def __init__(self, outdir):
        self.outdir = outdir
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        tls = server.transport.get_extra_info("ssl_object")
        if tls is None:
            # require_starttls already rejects MAIL FROM before STARTTLS. This
            # second check keeps a clear-text message out of the folder.
            return "530 5.7.0 Must issue a STARTTLS command first"

        received = (
            f"Received: from {session.host_name} ({session.peer[0]})\r\n"
            f"\tby demo-sink with ESMTPS ({tls.version()} cipher {tls.cipher()[0]})\r\n"
            f"\tfor <{', '.join(envelope.rcpt_tos)}>; {email.utils.formatdate(localtime=True)}\r\n"
        ).encode("ascii", "replace")

        name = f"{os.getpid()}-{next(self.counter):04d}.eml"
        final_path = os.path.join(self.outdir, name)
        partial_path = final_path + ".part"
        # Written under a temporary name and renamed, so that a reader polling
        # for *.eml files never sees a half-written message.
        with open(partial_path, "wb") as out:
            out.write(received)
            out.write(envelope.original_content or envelope.content)
        os.rename(partial_path, final_path)

        print(final_path, flush=True)
        return "250 2.0.0 Message stored"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1")
    parser.add_argument("--cert", required=True, help="PEM certificate offered after STARTTLS")
    parser.add_argument("--key", required=True, help="PEM private key of the certificate")
    parser.add_argument("--outdir", required=True, help="folder that receives the .eml files")
    args = parser.parse_args()

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    os.makedirs(args.outdir, exist_ok=True)

    tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_context.load_cert_chain(args.cert, args.key)

    controller = Controller(
        EmlFolderHandler(args.outdir),
        hostname="127.0.0.1",
        port=args.port,
        server_hostname="demo-sink",
        tls_context=tls_context,
        require_starttls=True,
    )
    controller.start()
    print(f"demo-sink: listening on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
