"""Progress of a run, one line or one bar step per finished report."""

from __future__ import annotations

import sys


class Progress:
    """Progress of a run: a live tqdm bar on a terminal, plain log lines otherwise (cron mail stays readable).

    Each plain line has the status, the report, its start and end time and its duration.
    """

    def __init__(self, total: int, *, label: str = "", stream=None, tty: bool | None = None):
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.bar = None
        self.failed = 0
        if self.tty:
            from tqdm import tqdm  # a terminal only: cron and CI never import it

            self.bar = tqdm(
                total=total, desc=label or "reports", unit="report", file=self.stream, dynamic_ncols=True
            )

    def __call__(self, entry: dict) -> None:
        status = entry.get("status", "?")
        self.failed += status == "failed"
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(failed=self.failed)
            if status == "failed":
                self.bar.write(f"FAILED {entry['name']}: {entry.get('error')}")
            return
        start = (entry.get("started") or "")[11:19]
        end = (entry.get("finished") or "")[11:19]
        line = (
            f"{status.upper():11} {entry['name']}  start {start or '-'}  end {end or '-'}  "
            f"{entry.get('duration_s') or 0:.1f} s"
        )
        if status == "skipped":
            line += "  (unchanged since the last run)"
        if entry.get("error") and status != "skipped":
            line += f"  {entry['error']}"
        print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


__all__ = ["Progress"]
