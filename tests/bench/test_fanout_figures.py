"""bench/fanout.py's figures: a delivery is timed from just before its POST is sent, signed,
and a report counts its slowest socket."""

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import fanout
from harness import clock

PLAN = [{"grids": ["g1"], "token": "a"}, {"grids": ["g2"], "token": "b"}, {"grids": None}]


def test_a_report_counts_its_slowest_socket_from_the_sending_of_its_post():
    filed = [(1, "g1", 10.0, 10.004), (2, "g2", 20.0, 20.006)]
    arrivals = [(1, 0, 10.050), (1, 2, 10.200), (2, 1, 20.010), (2, 2, 20.030)]

    times = fanout.delivery_times(filed, arrivals, PLAN)

    assert [round(t, 3) for t in times["slowest"]] == [0.03, 0.2]
    assert [round(t, 3) for t in times["each"]] == [0.01, 0.03, 0.05, 0.2]
    assert times["missing"] == 0
    assert [round(t, 3) for t in times["post"]] == [0.004, 0.006]
    assert times["due"] == [2, 2]


def test_an_arrival_before_the_sending_stays_negative():
    times = fanout.delivery_times([(1, "g1", 10.0, 10.1)], [(1, 0, 9.9), (1, 2, 9.95)], PLAN)
    assert [round(t, 3) for t in times["slowest"]] == [-0.05]


def test_a_lost_delivery_is_counted_and_its_report_has_no_delivery_time():
    # Socket 1 (grid g2) does not hear of a g1 report, so it is not owed one.
    filed = [(1, "g1", 10.0, 10.01), (2, "g2", 20.0, 20.01)]
    arrivals = [(1, 0, 10.1), (1, 2, 10.1), (1, 1, 10.1), (2, 1, 20.1)]

    times = fanout.delivery_times(filed, arrivals, PLAN)

    assert times["missing"] == 1
    assert len(times["slowest"]) == 1


async def test_the_sending_moment_is_noted_before_the_request_leaves():
    received: list[float] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.readline():
            received.append(clock())
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            body = json.dumps({"id": len(received)}).encode()
            writer.write(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n")
            writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            await writer.drain()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        filed = await fanout.file_reports(
            f"http://127.0.0.1:{port}", "token", 3, 100, ["g1"], {"g1": [123.8, 41.8]}
        )

    assert len(filed) == 3
    for (_, _, sent, answered), arrived in zip(filed, received, strict=True):
        # The answer is noted after the server had the request: a POST's latency holds the
        # whole round trip.
        assert sent < arrived < answered
