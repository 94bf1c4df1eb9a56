#!/usr/bin/env python3
"""Loopback SMTP next hop for the SMTPUTF8 notification tests.

Listens on 127.0.0.1:PORT with aiosmtpd, offering SMTPUTF8 unless
--no-smtputf8 is given. Rejects RCPT TO for each --reject address with 550
5.1.1 and accepts the rest. Writes every accepted message to OUTDIR as one
JSON file: reverse-path, recipients, whether MAIL FROM carried SMTPUTF8, and
the content in base64. Prints "ready" once it listens, and stops when its
standard input closes.
"""

import argparse
import base64
import itertools
import json
import os
import sys

from aiosmtpd.controller import Controller


class RecordingHandler:
    def __init__(self, outdir, rejected):
        self.outdir = outdir
        self.rejected = set(rejected)
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "smtputf8": bool(envelope.smtp_utf8),
            "data": base64.b64encode(envelope.original_content or envelope.content).decode("ascii"),
        }
        path = os.path.join(self.outdir, f"{next(self.counter):04d}.json")
        # Written under another name first, so that a reader never sees half a file.
        with open(path + ".part", "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=True)
        os.rename(path + ".part", path)
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--outdir", required=True)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--no-smtputf8", action="store_true")
    args = parser.parse_args()

    controller = Controller(
        RecordingHandler(args.outdir, args.reject),
        hostname="127.0.0.1",
        port=args.port,
        server_hostname="utf8-next-hop.test",
        enable_SMTPUTF8=not args.no_smtputf8,
    )
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
