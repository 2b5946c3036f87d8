"""Top methods of a speedscope profile (as `dotnet-trace convert --format Speedscope` writes it).

Self: time with the method on top of the stack. Inclusive: time with the method anywhere on the
stack (counted once however deep it recurs). Time a thread spent parked (thread-pool waits, the
socket event loop, sleeps) is counted apart, so shares are of the busy time.

    python3 bench/load/speedscope_top.py gateway.speedscope.json [N]
"""
import json
import sys
from collections import Counter

IDLE = ("WaitHandle", "LowLevelLifoSemaphore", "Monitor.Wait", "SocketAsyncEngine.EventLoop",
        "Thread.Sleep", "WaitForSignal", "WorkerDoWait", "LowLevelMonitor", "Interop+Sys.WaitForSocketEvents",
        "WaitOne", "BlockingCollection", "Interop+Sys.Read(", "EventPipe", "DiagnosticServer", "Interop+Sys.Poll")

# dotnet-trace marks what the sampled thread was doing with a pseudo-frame on top of its stack.
PSEUDO = ("CPU_TIME", "UNMANAGED_CODE_TIME")


def spans(profile, names):
    """(stack, duration) pieces of one thread's evented profile."""
    stack, last = [], None
    for event in profile["events"]:
        at = event["at"]
        if last is not None and stack and at > last:
            yield list(stack), at - last
        last = at
        if event["type"] == "O":
            stack.append(event["frame"])
        elif stack:
            stack.pop()


def main(path, top):
    with open(path) as f:
        doc = json.load(f)
    names = [fr["name"] for fr in doc["shared"]["frames"]]
    self_time, incl_time = Counter(), Counter()
    busy = idle = 0.0
    for profile in doc["profiles"]:
        if profile.get("type") != "evented":
            continue
        for stack, ms in spans(profile, names):
            if any(marker in names[i] for i in stack for marker in IDLE):
                idle += ms
                continue
            busy += ms
            frames = [i for i in stack if names[i] not in PSEUDO]
            self_time[names[frames[-1]] if frames else names[stack[-1]]] += ms
            for name in {names[i] for i in stack}:
                incl_time[name] += ms
    print(f"busy {busy:.0f} ms, parked {idle:.0f} ms (thread time, all threads)")
    print("\n-- self --")
    for name, ms in self_time.most_common(top):
        print(f"{100 * ms / busy:5.1f}%  {name[:160]}")
    print("\n-- inclusive (Ciyuan, Kestrel, HttpClient, SQLite) --")
    shown = 0
    for name, ms in incl_time.most_common():
        if any(k in name for k in ("Ciyuan", "Kestrel", "SocketsHttpHandler", "Http.HttpConnection", "Sqlite")):
            print(f"{100 * ms / busy:5.1f}%  {name[:160]}")
            shown += 1
            if shown >= top * 2:
                break


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40)
