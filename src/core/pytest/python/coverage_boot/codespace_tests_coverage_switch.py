"""The measured process's side of test-by-test contexts (see sitecustomize.py here, and the plugin's side in
codespace_tests_coverage.py): a thread that switches coverage.py's context to each node id it is sent."""
import atexit
import os
import socket
import threading

CURRENT_FILE = "current"


def _hidden(thread):
    # pydevd (debugpy) neither traces nor suspends threads marked so.
    thread.is_pydev_daemon_thread = True
    thread.pydev_do_not_trace = True
    return thread


class Switcher:
    def __init__(self, cov, control):
        self.cov = cov
        self.lock = threading.Lock()
        self.path = os.path.join(control, f"{os.getpid()}.sock")
        os.makedirs(control, exist_ok=True)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(8)
        atexit.register(self.close)
        # Listening first, then the current test: a test that began in between is sent to us as well.
        try:
            with open(os.path.join(control, CURRENT_FILE), encoding="utf-8") as f:
                self.switch(f.read())
        except OSError:
            pass

    def switch(self, context):
        with self.lock:
            self.cov.switch_context(context)

    def accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            _hidden(threading.Thread(target=self.serve, args=(conn,), daemon=True,
                                     name="codespace-tests-coverage-context")).start()

    def serve(self, conn):
        with conn, conn.makefile("rb") as lines:
            for line in lines:
                try:
                    self.switch(line.decode("utf-8", "replace").rstrip("\n"))
                except Exception:
                    pass  # this test's lines stay in the last context; the next switch is tried again
                conn.sendall(b"\n")

    def close(self):
        try:
            os.unlink(self.path)
        except OSError:
            pass


def listen(cov, control):
    switcher = Switcher(cov, control)
    _hidden(threading.Thread(target=switcher.accept, daemon=True, name="codespace-tests-coverage")).start()
    return switcher
