"""Starts the web server, a Celery worker and beat together: the embedded default in one command."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Run the web server with a Celery worker and beat (development and demo)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        if settings.IS_PRODUCTION:
            self.stderr.write("run_portal is for development; production runs gunicorn and celery.")
            sys.exit(2)
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
        # Stopped by a supervisor (SIGTERM) as by Ctrl+C: the children stop with us.
        signal.signal(signal.SIGTERM, _interrupt)
        processes = {}
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command, env=os.environ.copy())
            self.stdout.write(f"started {name} (pid {processes[name].pid})")
        self.stdout.write(f"Portal at http://{addrport}/ — press Ctrl+C to stop.")
        try:
            while all(process.poll() is None for process in processes.values()):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        failed = [
            name for name, process in processes.items() if process.returncode not in (0, -15, None)
        ]
        if failed:
            self.stderr.write(f"stopped: {', '.join(failed)} exited with an error")
            sys.exit(1)
