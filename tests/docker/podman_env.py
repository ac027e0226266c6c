"""A private Podman engine for tests and benchmarks.

Real containers behind the Docker-compatible Engine API, per
../shared/reference/podman-local.md: podman + runc + busybox-static from
Debian (installed when missing), runc with the cgroupfs manager, limits at
or below the current ones, vfs storage in a temporary directory of our own,
a busybox image built with `podman import` (no registry needed), and
`podman system service` on a socket of our own. Nothing is shared with
other users of the machine; stop() removes every container and the
directory. Any step that fails raises: tests never skip.
"""
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from common import free_port  # noqa: E402,F401  (one definition, used by importers)

IMAGE = "localhost/snowdeck-bb:latest"


def _need_packages():
    missing = []
    for cmd, pkg in (("podman", "podman"), ("runc", "runc")):
        if shutil.which(cmd) is None and not os.path.exists("/usr/sbin/" + cmd):
            missing.append(pkg)
    if not os.path.exists("/bin/busybox"):
        missing.append("busybox-static")
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(sudo + ["apt-get", "-o", "DPkg::Lock::Timeout=600",
                               "install", "-y", "-qq",
                               "--no-install-recommends"] + missing,
                       check=True, env=env)


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.path)
        self.sock = s


class Podman:
    def __init__(self):
        _need_packages()
        self.dir = tempfile.mkdtemp(prefix="snowdeck-podman.")
        self.sock = os.path.join(self.dir, "podman.sock")
        self.proc = None
        conf = os.path.join(self.dir, "containers.conf")
        with open(conf, "w") as f:
            f.write('[containers]\n'
                    'default_ulimits = ["nofile=1024:1024", '
                    '"nproc=1024:1024"]\n'
                    'netns = "host"\n'
                    '[engine]\n'
                    'runtime = "runc"\n'
                    'cgroup_manager = "cgroupfs"\n'
                    'events_logger = "file"\n'
                    f'events_logfile_path = "{self.dir}/events.log"\n'
                    f'tmp_dir = "{self.dir}/tmp"\n')
        storage = os.path.join(self.dir, "storage.conf")
        with open(storage, "w") as f:
            f.write('[storage]\ndriver = "vfs"\n'
                    f'runroot = "{self.dir}/runroot"\n'
                    f'graphroot = "{self.dir}/root"\n')
        self.env = dict(os.environ, CONTAINERS_CONF=conf,
                        CONTAINERS_STORAGE_CONF=storage,
                        XDG_RUNTIME_DIR=os.path.join(self.dir, "xdg"))
        os.makedirs(self.env["XDG_RUNTIME_DIR"], mode=0o700)
        self._image()

    def podman(self, *args, check=True):
        return subprocess.run(["podman"] + list(args), env=self.env,
                              check=check, capture_output=True, text=True)

    def _image(self):
        root = os.path.join(self.dir, "rootfs")
        os.makedirs(os.path.join(root, "bin"))
        os.makedirs(os.path.join(root, "www"))
        shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
        for c in ("sh", "sleep", "httpd", "echo", "cat", "seq", "printf",
                  "date", "true", "false"):
            os.symlink("busybox", os.path.join(root, "bin", c))
        tar = os.path.join(self.dir, "bb.tar")
        subprocess.run(["tar", "-C", root, "-cf", tar, "."], check=True)
        r = self.podman("import", tar, IMAGE, check=False)
        if r.returncode != 0:
            raise RuntimeError(f"podman import failed: {r.stderr}")

    def start(self):
        """Starts the API service and waits until /_ping answers."""
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self.log = open(os.path.join(self.dir, "service.log"), "a")
        self.proc = subprocess.Popen(
            ["podman", "system", "service", "--time=0",
             "unix://" + self.sock], env=self.env, stdout=self.log,
            stderr=self.log, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("podman system service exited: "
                                   + open(self.log.name).read()[-2000:])
            try:
                if self.api("GET", "/_ping")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("podman system service did not answer in 60s")

    def stop_service(self):
        """Stops the API service (containers keep running)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def api(self, method, path, body=None, timeout=60):
        c = UnixConnection(self.sock, timeout=timeout)
        hdrs = {}
        data = None
        if body is not None:
            data = json.dumps(body)
            hdrs["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=hdrs)
        r = c.getresponse()
        raw = r.read()
        c.close()
        try:
            return r.status, json.loads(raw) if raw else None
        except ValueError:
            return r.status, raw

    def run(self, name, project, service, script, tty=False, restart=None,
            host_net=True, binds=None):
        """Creates and starts a compose-labelled busybox container."""
        body = {
            "Image": IMAGE,
            "Cmd": ["/bin/sh", "-c", script],
            "Tty": tty,
            "Labels": {"com.docker.compose.project": project,
                       "com.docker.compose.service": service},
            "HostConfig": {},
        }
        if host_net:
            body["HostConfig"]["NetworkMode"] = "host"
        if restart:
            body["HostConfig"]["RestartPolicy"] = restart
        if binds:
            body["HostConfig"]["Binds"] = binds
        q = urllib.parse.urlencode({"name": name})
        st, r = self.api("POST", "/v1.41/containers/create?" + q, body)
        if st != 201:
            raise RuntimeError(f"create {name}: {st} {r}")
        st, r = self.api("POST", f"/v1.41/containers/{name}/start")
        if st not in (204, 304):
            raise RuntimeError(f"start {name}: {st} {r}")

    def inspect(self, name):
        st, r = self.api("GET", f"/v1.41/containers/{name}/json")
        if st != 200:
            raise RuntimeError(f"inspect {name}: {st} {r}")
        return r

    def _users(self):
        """Processes whose command line names our directory (conmon and
        the `podman container cleanup` it runs when a container exits)."""
        pids = []
        for p in os.listdir("/proc"):
            if not p.isdigit() or int(p) == os.getpid():
                continue
            try:
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    if self.dir.encode() in f.read():
                        pids.append(int(p))
            except OSError:
                pass
        return pids

    def close(self):
        """Removes every container, stops the service, deletes the dir."""
        try:
            self.podman("rm", "-f", "-a", "-t", "0", check=False)
        finally:
            self.stop_service()
            # Let exit cleanups finish, else they recreate the storage.
            deadline = time.time() + 20
            while self._users() and time.time() < deadline:
                time.sleep(0.2)
            shutil.rmtree(self.dir, ignore_errors=True)

