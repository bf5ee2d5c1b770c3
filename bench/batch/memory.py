"""Peak resident memory of a local cluster's workers and of this process,
sampled from here with psutil: the workers' process ids are asked once
(client.run), then read from /proc every `every` seconds, so the sampling
costs the workers nothing. A worker that ends (the nanny restarts it) is
counted and its successor looked up."""
from __future__ import annotations

import os
import threading

import psutil

MB = 2**20


class MemorySampler:
    def __init__(self, client, every: float = 0.5):
        self.client = client
        self.every = every
        self.peaks: dict[str, int] = {}  # worker address -> peak RSS (bytes)
        self.driver_start = psutil.Process().memory_info().rss
        self.driver_peak = self.driver_start
        self.restarts = 0
        self.samples = 0
        self._processes = self._workers()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)

    def _workers(self) -> dict[str, psutil.Process]:
        return {address: psutil.Process(pid) for address, pid in self.client.run(os.getpid).items()}

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def _sample(self) -> None:
        self.samples += 1
        self.driver_peak = max(self.driver_peak, psutil.Process().memory_info().rss)
        ended = False
        for address, process in self._processes.items():
            try:
                rss = process.memory_info().rss
            except psutil.NoSuchProcess:
                ended = True
                continue
            self.peaks[address] = max(self.peaks.get(address, 0), rss)
        if ended:
            self.restarts += 1
            try:
                self._processes = self._workers()
            except Exception:  # the cluster is closing
                pass

    def figures(self) -> dict:
        peaks = sorted(self.peaks.values(), reverse=True)
        return {"worker_peak_mb": [round(p / MB) for p in peaks],
                "max_worker_peak_mb": round(peaks[0] / MB) if peaks else None,
                "driver_start_mb": round(self.driver_start / MB),
                "driver_peak_mb": round(self.driver_peak / MB),
                "worker_restarts": self.restarts, "samples": self.samples}
