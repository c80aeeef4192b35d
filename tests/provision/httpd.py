"""Loopback HTTP server for the provisioning tests: serves a directory, and under /truncated/
the same files cut in half while announcing their full length (a download that breaks off).

    httpd.py ADDRESS PORT DIRECTORY READY-FILE LOG-FILE

READY-FILE is created once the socket listens; each request is appended to LOG-FILE as
"METHOD PATH STATUS".
"""
import functools
import http.server
import os
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    log_file = "/dev/null"

    def do_GET(self):
        if not self.path.startswith("/truncated/"):
            return super().do_GET()
        path = self.translate_path(self.path[len("/truncated"):])
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return self.send_error(404)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_request(self, code="-", size="-"):
        with open(self.log_file, "a") as f:
            f.write(f"{self.command} {self.path} {code}\n")

    def log_message(self, format, *args):
        pass


def main():
    address, port, directory, ready, log = sys.argv[1:6]
    Handler.log_file = log
    handler = functools.partial(Handler, directory=directory)
    server = http.server.ThreadingHTTPServer((address, int(port)), handler)
    open(ready, "w").close()
    server.serve_forever()


if __name__ == "__main__":
    main()
