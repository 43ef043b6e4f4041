"""Starts a command (a plangraph server) and prints the milliseconds from its start to the first
answer of a GraphQL query, polling from this one process (bench/coldstart.sh).

    first_answer.py PORT QUERY_JSON EXPECTED LOG -- COMMAND...

A poll is a TCP connect every millisecond until the server listens (it binds its port once the
store is ready), then the query over HTTP/1.1; it is repeated until the body holds EXPECTED. A
`curl` per poll, as this benchmark first did, forks a process every 5 ms: on a two-core machine
those processes took as much CPU as the server while it started (perf, 2026-11-30).
"""

import socket
import subprocess
import sys
import time


def ask(port, body):
    request = (
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
    ) + body
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def main():
    port, query, expected, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    command = sys.argv[sys.argv.index("--") + 1 :]
    body = open(query, "rb").read()
    expected = expected.encode()
    with open(log, "wb") as out:
        started = time.perf_counter()
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            while True:
                if server.poll() is not None:
                    sys.exit(f"the server stopped (status {server.returncode}); its log: {log}")
                try:
                    answer = ask(port, body)
                except OSError:
                    time.sleep(0.001)
                    continue
                if answer.startswith(b"HTTP/1.1 200") and expected in answer:
                    break
                time.sleep(0.001)
            print(round((time.perf_counter() - started) * 1000))
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
