#!/usr/bin/env python3
"""Loopback stand-in for wapiti's SSRF/XXE endpoint (wapiti3.ovh by default).

wapiti's ssrf and xxe modules put the endpoint URL into their payloads and, at the end, ask
the endpoint whether the target called it. Pointing them here keeps every request on
loopback. Any request other than wapiti's own result queries means the server fetched a URL
an attacker chose: it is appended to HITS_FILE (one JSON object a line) and scan.sh treats
it as a high-severity finding.

Usage: endpoint.py PORT_FILE HITS_FILE   (binds 127.0.0.1 on a free port, writes the port)
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def _answer(self):
        if self.path == "/":
            body = b""  # wapiti checks that the endpoint is up before scanning
            self.send_response(200)
        elif self.path.startswith(("/get_ssrf.php", "/get_xxe.php")):
            body = b"{}"  # "nobody called": the script checks HITS_FILE itself
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        else:
            with open(sys.argv[2], "a", encoding="utf-8") as f:
                f.write(json.dumps({"method": self.command, "path": self.path,
                                    "from": self.client_address[0]}) + "\n")
            body = b""
            self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _answer

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
