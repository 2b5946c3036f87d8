"""An OTLP/HTTP trace sink for the load harness: accepts every export with 200 and counts them.

It stands in for a collector so the gateway's exporter does the work it does in production
(batching, protobuf encoding, one HTTP POST per batch) without a collector's CPU on the machine.
GET /count answers the number of export requests and bytes received.
"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

exports = 0
received = 0


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global exports, received
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        exports += 1
        received += length
        # An empty ExportTraceServiceResponse: nothing rejected.
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        body = f"{exports} exports, {received} bytes\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
