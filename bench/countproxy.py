"""A counting TCP proxy for snowdeck's benchmark.

  python3 countproxy.py LISTEN_PORT TARGET_PORT LOGFILE

Forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT byte for byte and
appends one line per forwarded chunk to LOGFILE:

  <unix time> <up|down> <bytes> <1 if the chunk starts an HTTP request>

so the bytes a client moves in any time window, and its requests, can be
counted afterwards. Plain HTTP/1.1 on loopback only (no TLS). Runs until
killed; writes "ready" on stdout once it listens.
"""
import asyncio
import sys
import time

METHODS = (b"GET ", b"POST ", b"PATCH ", b"PUT ", b"DELETE ", b"HEAD ")


async def main(listen, target, logpath):
    log = open(logpath, "a", buffering=1, encoding="ascii")

    async def pump(reader, writer, direction):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                starts = 1 if direction == "up" and data.startswith(METHODS) else 0
                log.write(f"{time.time():.6f} {direction} {len(data)} {starts}\n")
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            try:
                writer.close()
            except Exception:  # noqa: BLE001 - already gone
                pass

    async def handle(creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pump(creader, swriter, "up"), pump(sreader, cwriter, "down"))

    server = await asyncio.start_server(handle, "127.0.0.1", listen)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))
