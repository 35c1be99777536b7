"""Starts the web server, a Celery worker and beat together: the embedded default in one command."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.stats.refresh import refresh_rollups

# How long a child may take to finish its current work after it was asked to stop.
STOP_GRACE_SECONDS = 15


class StopRequested(Exception):
    """Ctrl+C or a supervisor's SIGTERM: stopping is what was asked, not a failure."""


def _request_stop(signum, frame):
    raise StopRequested


def base_url_for(addrport: str) -> str:
    """The address emails link to for a server started on ``addrport`` (runserver's syntax:
    "PORT", "HOST:PORT" or "[IPv6]:PORT"). A server listening on every interface is reached
    on this machine through the loopback address."""
    host, _, port = addrport.rpartition(":")
    host = host or "127.0.0.1"
    if host == "0.0.0.0":  # noqa: S104 (an address to read, not one to bind)
        host = "127.0.0.1"
    elif host in ("[::]", "::"):
        host = "[::1]"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Run the web server with a Celery worker and beat (development and demo)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        if settings.IS_PRODUCTION:
            self.stderr.write("run_portal is for development; production runs gunicorn and celery.")
            sys.exit(2)
        signal.signal(signal.SIGINT, _request_stop)
        signal.signal(signal.SIGTERM, _request_stop)
        try:
            # Pages show current figures from the first request, not after the first beat run.
            result = refresh_rollups()
            if not result.skipped:
                self.stdout.write("Statistics and map are up to date.")
        except StopRequested:
            return
        env = os.environ.copy()
        # Links in emails lead to this server unless the address was chosen explicitly.
        env.setdefault("PORTAL_BASE_URL", base_url_for(addrport))
        # A demo shows what was just done: figures and map follow within a minute, not five.
        env.setdefault("STATS_REFRESH_SECONDS", "60")
        python = sys.executable
        commands = {
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "camau_portal",
                "worker",
                "-B",
                "-Q",
                "default,email,images",
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
            "web": [python, "manage.py", "runserver", addrport],
        }
        processes: dict[str, subprocess.Popen] = {}
        stopping = False
        try:
            for name, command in commands.items():
                # A session of their own: Ctrl+C in the terminal reaches this command only,
                # which then stops each child in order, instead of every process at once.
                processes[name] = subprocess.Popen(command, env=env, start_new_session=True)
                self.stdout.write(f"started {name} (pid {processes[name].pid})")
            self.stdout.write(f"Portal at {env['PORTAL_BASE_URL']}/ — press Ctrl+C to stop.")
            while all(process.poll() is None for process in processes.values()):
                time.sleep(0.5)
        except StopRequested:
            stopping = True
        finally:
            # A second Ctrl+C while stopping must not leave children behind.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self._stop(processes)
        if stopping:
            self.stdout.write("Stopped.")
            return
        failed = [name for name, process in processes.items() if process.returncode != 0]
        self.stderr.write(f"stopped: {', '.join(failed) or 'a process'} exited unexpectedly")
        sys.exit(1)

    def _stop(self, processes: dict[str, subprocess.Popen]) -> None:
        """The worker finishes its current tasks (warm shutdown, beat with it); the web server's
        auto-reloader and the server it runs share a process group and stop together."""
        for name, process in processes.items():
            if process.poll() is not None:
                continue
            if name == "web":
                os.killpg(process.pid, signal.SIGTERM)
            else:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
