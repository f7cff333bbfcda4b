"""Another client's view of a server while a benchmark runs: a PING every 10 ms to each port given, the
round trips kept; on SIGTERM writes the p99 in milliseconds to OUT. Touches OUT.ready once connected.
Usage: pinger.py OUT PORT [PORT…]"""
import signal, sys, time
import redis

out, ports = sys.argv[1], [int(port) for port in sys.argv[2:]]
clients = [redis.Redis(port=port) for port in ports]
for client in clients:
    client.ping()
samples, running = [], True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
open(out + ".ready", "w").close()
while running:
    for client in clients:
        started = time.perf_counter()
        client.ping()
        samples.append((time.perf_counter() - started) * 1000)
    time.sleep(0.01)
samples.sort()
with open(out, "w") as result:
    result.write(str(samples[min(len(samples) - 1, int(len(samples) * 0.99))] if samples else 0))
