#!/usr/bin/env python3
"""Test the warmcgi zygote helpers by playing the daemon's side of
src/warm/PROTOCOL.md: a listening unix socket in a temporary directory, a
zygote spawned with fds 0-3 as the protocol says, D/E connection pairs, and
the exit status of the request pid read from E as the zygote reports it on
its fd 1 (we are a child subreaper too, as the daemon is).  Where it makes
sense a warm request is compared byte for byte with a cold run of the same
script (spawned as the daemon's exec mode would).  Prints the latency of
warm against cold requests.

    python3 tests/warm/zygote_harness.py [-v] [-k NAME]

The last line of output is "N passed, M failed"; exit status 1 on failure.
"""

import ctypes
import fcntl
import hashlib
import os
import random
import re
import select
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(HERE, "scripts")
PERL_LIB = os.path.join(ROOT, "src", "warm", "perl")
PY_HELPER = os.path.join(ROOT, "src", "warm", "warmcgi-zygote.py")
ZYGOTE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin",
              "GATEWAY_INTERFACE": "CGI/1.1", "WARMCGI_ZYGOTE_FD": "3",
              "ZYGOTE_ONLY": "must not leak",
              "PYTHONDONTWRITEBYTECODE": "1"}    # no __pycache__ in scripts/
VERBOSE = "-v" in sys.argv
ONLY = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else None

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        if VERBOSE:
            print("ok   %s" % name)
    else:
        failed += 1
        print("FAIL %s%s" % (name, ("\n     " + str(detail)[:3000]) if detail
                             else ""))
    return ok


def spawn(argv, fds, cwd, env):
    """fork+exec like the daemon's posix_spawn: fds[i] becomes fd i and
    nothing else is open, own process group, default signals, empty mask."""
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(cwd)
            high = [fcntl.fcntl(f, fcntl.F_DUPFD, 100) for f in fds]
            for target, src in enumerate(high):
                os.dup2(src, target)
            os.closerange(len(fds), 4096)
            for sig in signal.valid_signals():
                if sig not in (signal.SIGKILL, signal.SIGSTOP):
                    try:
                        signal.signal(sig, signal.SIG_DFL)
                    except (OSError, ValueError):
                        pass
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.setpgid(0, 0)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    return pid


# The bound on waiting for something that must happen: generous, since a
# test asserts that it happens, not how soon (the latency figures below are
# printed, never asserted).
WAIT_S = 60


def wait(pid, timeout=WAIT_S):
    """waitpid() with a deadline; returns the exit code (-N for signal N)."""
    deadline = time.monotonic() + timeout
    while True:
        p, st = os.waitpid(pid, os.WNOHANG)
        if p == pid:
            return os.waitstatus_to_exitcode(st)
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            p, st = os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.0005)


def stop(pid, timeout=WAIT_S):
    """SIGSTOP pid and wait until it is stopped (state T)."""
    os.kill(pid, signal.SIGSTOP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/%d/stat" % pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] in ("T", "t"):
                return
        time.sleep(0.01)


def children(pid):
    """pid's child processes."""
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(c) for c in f.read().split()]


def pump(wfd, body, rfds, eof, timeout=WAIT_S):
    """Write body to wfd, then call eof(), while reading every rfd to EOF;
    returns the bytes read from each."""
    out = {fd: bytearray() for fd in rfds}
    open_r = list(rfds)
    body = memoryview(body)
    deadline = time.monotonic() + timeout
    shut = False
    os.set_blocking(wfd, False)
    while open_r or not shut:
        if not shut and not body:
            eof()
            shut = True
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("pump")
        r, w, _ = select.select(open_r, [wfd] if not shut else [], [], left)
        for fd in r:
            chunk = os.read(fd, 65536)
            if chunk:
                out[fd] += chunk
            else:
                open_r.remove(fd)
        if w:
            try:
                n = os.write(wfd, body[:65536])
                body = body[n:]
            except (BlockingIOError, InterruptedError):
                pass
            except BrokenPipeError:
                body = b""
    return [bytes(out[fd]) for fd in rfds]


class Result:
    def __init__(self, status, out, err, pid=None):
        self.status, self.out, self.err, self.pid = status, out, err, pid

    def key(self):
        return (self.status, self.out, self.err)

    def __repr__(self):
        return "status=%r\n     out=%r\n     err=%r" % self.key()


def req_env(extra=None, body=b""):
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "GATEWAY_INTERFACE": "CGI/1.1",
           "REQUEST_METHOD": "POST" if body else "GET",
           "QUERY_STRING": "name=world", "SERVER_NAME": "localhost",
           "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
           "CONTENT_LENGTH": str(len(body)), "PYTHONDONTWRITEBYTECODE": "1"}
    env.update(extra or {})
    return env


def interpreter(script):
    """The command a daemon would start the zygote with (PROTOCOL.md)."""
    with open(script) as f:
        words = f.readline()[2:].split()
    if "perl" in os.path.basename(words[0]):
        return [words[0]] + words[1:] + ["-I" + PERL_LIB, "-MWarmCGI::Zygote",
                                         script]
    return [words[0]] + words[1:] + [PY_HELPER, script]


class Zygote:
    def __init__(self, name):
        self.script = os.path.join(SCRIPTS, name)
        self.tmp = tempfile.TemporaryDirectory(prefix="warmcgi-test-")
        self.path = os.path.join(self.tmp.name, "z.sock")
        listen = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listen.bind(self.path)
        listen.listen(64)
        ctl_r, self.ctl = os.pipe()
        self.out, out_w = os.pipe()
        log_r, log_w = os.pipe()
        self.started = time.time()
        self.pid = spawn(interpreter(self.script),
                         [ctl_r, out_w, log_w, listen.fileno()],
                         SCRIPTS, ZYGOTE_ENV)
        for fd in (ctl_r, out_w, log_w):
            os.close(fd)
        listen.close()
        self.log = bytearray()
        self.logger = threading.Thread(target=self._drain, args=(log_r,),
                                       daemon=True)
        self.logger.start()
        self.ready = b""
        self.pending = b""          # fd 1 after READY, not yet a line
        self.exits = {}             # reported, not yet asked for
        deadline = time.monotonic() + WAIT_S
        while not self.ready.endswith(b"\n") and time.monotonic() < deadline:
            if select.select([self.out], [], [], 0.1)[0]:
                chunk = os.read(self.out, 1)
                if not chunk:
                    break
                self.ready += chunk

    def _drain(self, fd):
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                return
            self.log += chunk

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.path)
        return s

    def send_pair(self, args=(), env=None, body=b"", cwd=None):
        """The D and E connections of a request, their preambles sent."""
        argv = [self.script] + list(args)
        env = req_env(env, body)
        fields = [cwd or SCRIPTS, str(len(argv))] + argv + [str(len(env))]
        fields += ["%s=%s" % kv for kv in env.items()]
        payload = b"".join(f.encode() + b"\0" for f in fields)
        token = os.urandom(8).hex().encode()
        d, e = self.connect(), self.connect()
        d.sendall(b"WCGI1 D %s\n%d\n%s" % (token, len(payload), payload))
        e.sendall(b"WCGI1 E %s\n" % token)
        return d, e

    def request(self, args=(), env=None, body=b"", cwd=None, timeout=WAIT_S,
                between=None):
        """One request; returns a Result with the pid from E."""
        d, e = self.send_pair(args, env, body, cwd)
        e.settimeout(timeout)
        line = b""
        while not line.endswith(b"\n"):
            c = e.recv(1)
            if not c:
                return Result("no P line", b"", line)
            line += c
        pid = int(line[1:])
        if between:
            between()
        out, err = pump(d.fileno(), body, [d.fileno(), e.fileno()],
                        lambda: d.shutdown(socket.SHUT_WR), timeout)
        status = self.exit_of(pid, timeout)
        d.close()
        e.close()
        return Result(status, out, err, pid)

    def next_exit(self, timeout):
        """(pid, exit code) of the next "X" line not yet asked for."""
        deadline = time.monotonic() + timeout
        while not self.exits:
            err = self.exit_of(None, deadline - time.monotonic())
            if err is not None:
                return None, err
        pid = next(iter(self.exits))
        return pid, self.exits.pop(pid)

    def exit_of(self, pid, timeout):
        """The zygote's "X<pid> <wait status>" line for pid, as an exit
        code (-N for signal N); other pids' lines are kept.  With pid None,
        reads one line and returns None."""
        deadline = time.monotonic() + timeout
        while pid not in self.exits:
            if pid is None and self.exits:
                return None
            nl = self.pending.find(b"\n")
            if nl >= 0:
                line, self.pending = self.pending[:nl], self.pending[nl + 1:]
                m = re.fullmatch(rb"X(\d+) (\d+)", line)
                if not m:
                    return "bad line %r on fd 1" % line
                self.exits[int(m[1])] = os.waitstatus_to_exitcode(int(m[2]))
                continue
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.out], [], [], left)[0]:
                return "timeout"
            chunk = os.read(self.out, 4096)
            if not chunk:
                return "fd 1 closed"
            self.pending += chunk
        return self.exits.pop(pid)

    def stop(self):
        """EOF on fd 0: the zygote exits 0.  Returns (status, rest of fd 1)."""
        os.close(self.ctl)
        status = wait(self.pid)
        self.logger.join(WAIT_S)        # all it wrote on fd 2, in z.log
        rest = self.pending
        while True:
            chunk = os.read(self.out, 4096)
            if not chunk:
                break
            rest += chunk
        os.close(self.out)
        self.tmp.cleanup()
        return status, rest


def cold(name, args=(), env=None, body=b""):
    """The script run the ordinary way, as the daemon's exec mode does."""
    script = os.path.join(SCRIPTS, name)
    in_r, in_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = spawn([script] + list(args), [in_r, out_w, err_w], SCRIPTS,
                req_env(env, body))
    for fd in (in_r, out_w, err_w):
        os.close(fd)
    out, err = pump(in_w, body, [out_r, err_r], lambda: os.close(in_w))
    os.close(out_r)
    os.close(err_r)
    return Result(wait(pid), out, err, pid)


def start(name):
    z = Zygote(name)
    check("%s: READY" % name, z.ready == b"READY\n",
          "got %r, log %r" % (z.ready, bytes(z.log)))
    return z


def finish(z, name, quiet=True):
    status, rest = z.stop()
    check("%s: EOF on fd 0 -> zygote exits 0, nothing but READY on fd 1"
          % name, status == 0 and rest == b"" and (z.log == b"" or not quiet),
          "status %r, fd 1 %r, log %r" % (status, rest, bytes(z.log)))


def same(name, args=(), env=None, body=b"", times=2, norm=None):
    """Warm requests (times of them, one zygote) equal a cold run."""
    z = start(name)
    c = cold(name, args, env, body)
    for i in range(times):
        w = z.request(args, env, body)
        if norm:
            w, c2 = norm(w), norm(c)
        else:
            c2 = c
        if not check("%s: warm #%d == cold" % (name, i + 1),
                     w.key() == c2.key(),
                     "warm: %r\n     cold: %r" % (w, c2)):
            break
    finish(z, name)
    return z, c


# --------------------------------------------------------------- tests

def t_hello(lang):
    z = start("hello." + lang)
    r = z.request()
    check("hello.%s: stdout on D, status 0" % lang,
          r.status == 0 and r.out.endswith(b"\r\n\r\nhello from "
                                           + (b"perl\n" if lang == "pl"
                                              else b"python\n"))
          and r.err == b"", r)
    finish(z, "hello." + lang)


def t_env(lang):
    name = "env." + lang
    z = start(name)
    for i, extra in enumerate([{"REQ_ONE": "1", "SPACE": "a b=c"},
                               {"REQ_TWO": "2"}]):
        r = z.request(env=extra)
        # The request's, plus what the interpreter itself adds at start-up
        # on a cold run (python3's PEP 538 LC_CTYPE): nothing of the
        # zygote's or of an earlier request's.
        want = cold(name, (), extra).out.decode().partition("--\n")[0]
        sent = ["%s=%s" % kv for kv in sorted(req_env(extra).items())]
        added = set(want.splitlines()) - set(sent)
        check("%s #%d: a cold run sees the request's environment, adding "
              "at most LC_CTYPE" % (name, i + 1),
              set(sent) <= set(want.splitlines())
              and all(v.startswith("LC_CTYPE=") for v in added), want)
        mine, _, child = r.out.decode().partition("--\n")
        check("%s #%d: environment is exactly a cold run's" % (name, i + 1),
              r.status == 0 and mine == want, r)
        check("%s #%d: a child process gets exactly that too" % (name, i + 1),
              sorted(child.splitlines()) == sorted(want.splitlines()), r)
    finish(z, name)


def t_args_pl():
    z = start("args.pl")
    time.sleep(1.1)
    r = z.request(["x y", "-z"])
    s = os.path.join(SCRIPTS, "args.pl")
    out = r.out.decode()
    check("args.pl: $0, @ARGV, __FILE__, cwd",
          ("0=%s\nARGV=x y|-z\nFILE=%s\ncwd=%s\n" % (s, s, SCRIPTS)) in out, r)
    m = re.search(r"pid=(\d+) pgrp=(\d+) zpid=(\d+)", out)
    check("args.pl: own pid and process group, BEGIN ran in the zygote",
          m and int(m[1]) == r.pid == int(m[2]) and int(m[3]) == z.pid,
          "%r (zygote %d)" % (r, z.pid))
    t = re.search(r"T=(\d+)", out)
    check("args.pl: $^T is the request's start time",
          t and int(t[1]) >= int(z.started) + 1, r)
    c = cold("args.pl", ["x y", "-z"])
    inc = re.compile(r"INC=.*")
    check("args.pl: @INC as in a cold run",
          inc.search(out)[0] == inc.search(c.out.decode())[0],
          "warm %r\n     cold %r" % (r, c))
    r2 = z.request(cwd="/tmp")
    check("args.pl: chdir to the request's cwd",
          "cwd=/tmp\n" in r2.out.decode(), r2)
    finish(z, "args.pl")


def t_args_py():
    z = start("args.py")
    s = os.path.join(SCRIPTS, "args.py")
    r = z.request(["x y", "-z"])
    out = r.out.decode()
    check("args.py: sys.argv, __file__, __name__, __doc__, cwd",
          out.startswith("argv=%r\nfile=%s name=__main__ doc='argv'\ncwd=%s\n"
                         % ([s, "x y", "-z"], s, SCRIPTS)), r)
    m = re.search(r"pid=(\d+) pgrp=(\d+) zpid=(\d+)", out)
    check("args.py: own pid and group, top-level import ran in the zygote",
          m and int(m[1]) == r.pid == int(m[2]) and int(m[3]) == z.pid,
          "%r (zygote %d)" % (r, z.pid))
    check("args.py: globals() is sys.modules['__main__']",
          "main=True" in out, r)
    finish(z, "args.py")


def t_echo(lang):
    name = "echo." + lang
    body = bytes(random.getrandbits(8) for _ in range(100000))
    body = body[:50] + b"\0\r\n\xff" + body[54:]
    z = start(name)
    r = z.request(body=body)
    if lang == "pl":
        tail = b"\nlen=100000 sum=%d\n" % (sum(body) % 2**32)
    else:
        tail = b"\nlen=100000 sha256=%s\n" % hashlib.sha256(body).hexdigest(
        ).encode()
    check("%s: 100000 binary bytes of stdin echoed" % name,
          r.status == 0 and r.out == body + tail,
          "status %r, %d bytes out, tail %r, err %r"
          % (r.status, len(r.out), r.out[-80:], r.err))
    finish(z, name)


def t_exits():
    for name, status, err in [("exit3.pl", 3, None),
                              ("die.pl", 255, b"boom at %s line 3.\n"
                               % os.path.join(SCRIPTS, "die.pl").encode()),
                              ("exit3.py", 3, None),
                              ("exitstr.py", 1, b"fatal: a message\n"),
                              ("exc.py", 1, None)]:
        z, c = same(name)
        check("%s: status %d" % (name, status), c.status == status, c)
        if err:
            check("%s: error text on stderr" % name, c.err == err, c)
    c = cold("exc.py")
    check("exc.py: traceback names the script and the exception",
          b'File "%s", line 11, in <module>' % os.path.join(
              SCRIPTS, "exc.py").encode() in c.err
          and c.err.endswith(b"ValueError: boom\n")
          and b"warmcgi-zygote" not in c.err, c)


def t_end():
    z = start("end.pl")
    for code in ("0", "4"):
        r = z.request(env={"EXIT_CODE": code})
        c = cold("end.pl", env={"EXIT_CODE": code})
        check("end.pl exit %s: END and DESTROY once, as cold" % code,
              r.key() == c.key() and r.out.count(b"END ran") == 1
              and r.status == int(code), "warm %r\n     cold %r" % (r, c))
    finish(z, "end.pl")
    z, c = same("atexit_.py", times=3)
    check("atexit_.py: atexit once, non-daemon thread joined",
          c.out == b"main\nthread done\natexit ran\n", c)


def t_data():
    z = start("data.pl")
    c = cold("data.pl")
    a, b = z.request(), z.request()
    check("data.pl: __DATA__ twice in a row, as cold",
          a.key() == b.key() == c.key() and c.out.count(b"rest:") == 3,
          "%r\n     %r\n     cold %r" % (a, b, c))
    # Request 1 reads a line of DATA and waits; request 2 reads all of it
    # meanwhile; then request 1 reads the rest: no shared offset.
    inner = []
    r = z.request(env={"PARTIAL": "1"}, between=lambda: inner.append(
        z.request()))
    check("data.pl: concurrent requests do not share DATA's offset",
          r.out == b"first: line one\nrest: line two\nrest: line three\n"
          and inner[0].key() == c.key(), "%r\n     inner %r" % (r, inner))
    finish(z, "data.pl")
    same("utf8.pl")
    same("cs.pl")


def t_rand(lang):
    z = start("rand." + lang)
    a, b = z.request(), z.request()
    check("rand.%s: differs between requests" % lang,
          a.status == b.status == 0 and a.out != b.out and a.out, (a, b))
    finish(z, "rand." + lang)


def t_system():
    for name in ("system.pl", "system.py"):
        z, c = same(name)
        check("%s: system/backticks/fork+exec output reaches D" % name,
              b"hi\n" in c.out and b"tick\n" in c.out and b"forked\n" in c.out
              and c.err == b"err\n", c)


def t_warn():
    z, c = same("warn.pl")
    check("warn.pl: -w warning and warn() on stderr",
          b"Use of uninitialized value $x in concatenation" in c.err
          and c.err.endswith(b"explicit\n"), c)
    z, c = same("warn.py")
    check("warn.py: warnings.warn on stderr", b"UserWarning: careful" in c.err,
          c)


def t_fds(lang):
    name = "fds." + lang
    z = start(name)
    r = z.request()
    c = cold(name)
    fds = lambda res: re.findall(rb"^fd (\d+) (\S+)", res.out, re.M)
    w = fds(r)
    check("%s: fds 0-2 are D, D, E (sockets)" % name,
          [t for _, t in w[:3]] == [b"socket"] * 3, r)
    check("%s: the same descriptors as a cold run (no listening socket, "
          "no control pipes)" % name,
          [f for f, _ in w] == [f for f, _ in fds(c)]
          and [t for _, t in w[3:]] == [t for _, t in fds(c)[3:]],
          "warm %r\n     cold %r" % (r, c))
    # One request waits for stdin's EOF while another runs: nothing of
    # the zygote's (its pidfd for the first) reaches the second.
    inner = []
    outer = z.request(env={"WAIT_STDIN": "1"},
                      between=lambda: inner.append(z.request()))
    check("%s: a request forked while another runs has the same "
          "descriptors" % name,
          [f for f, _ in fds(inner[0])] == [f for f, _ in w]
          and fds(outer) == w, "inner %r\n     outer %r" % (inner, outer))
    sigs = lambda res: re.findall(rb"^Sig.*", res.out, re.M)
    check("%s: blocked/ignored/caught signals as in a cold run" % name,
          sigs(r) == sigs(c) and len(sigs(c)) == 3,
          "warm %r\n     cold %r" % (sigs(r), sigs(c)))
    finish(z, name)


def t_learn(lang):
    """A module loaded at run time is reported and loaded by the zygote:
    the first request loads it itself, later ones find it loaded."""
    name = "lazy." + lang
    z = start(name)
    first = z.request()
    check("%s: the first request loads the module itself" % name,
          first.status == 0 and first.out == b"was loaded: no\na b c\n",
          first)
    later = None
    for _ in range(WAIT_S * 50):        # the report is read asynchronously
        later = z.request()
        if later.out != first.out:
            break
        time.sleep(0.02)
    check("%s: later requests find it loaded by the zygote" % name,
          later.status == 0 and later.out == b"was loaded: yes\na b c\n",
          later)
    finish(z, name)


def t_learn_fx(lang, effect):
    """A module that prints as it loads is learned without disturbing the
    zygote's reports; one with a load-time side effect (END block, atexit
    handler) is not learned: requests that do not load it never see it."""
    name = "lazyfx." + lang
    z = start(name)
    first = z.request(env={"QUERY_STRING": "load=1"})
    check("%s: a request loading both modules" % name,
          first.status == 0 and first.out.endswith(
              b"\nnoisy=0 %s=0\n" % effect.encode()), first)
    seen, loads = [], [first]
    for _ in range(WAIT_S * 50):        # the report is read asynchronously
        r = z.request(env={"QUERY_STRING": "load=0"})
        seen.append(r)
        if r.status != 0 or b"noisy=1" in r.out:
            break
        time.sleep(0.02)
        # Report again: a module after a refused one waits for that.
        loads.append(z.request(env={"QUERY_STRING": "load=1"}))
    r = seen[-1]
    check("%s: the printing module is learned, every exit still reported"
          % name, all(x.status == 0 for x in seen + loads)
          and r.out.endswith(b"\nnoisy=1 %s=0\n" % effect.encode()), r)
    check("%s: the module with a side effect is not, and its effect never "
          "reaches a request that does not load it" % name,
          not any(b"ran" in x.err for x in seen), seen[-1])
    finish(z, name, quiet=False)


def t_learn_dep(lang, msg):
    """A clean module that loads one with a side effect is not learned
    either, nor is a submodule of a package with one."""
    name = "drag." + lang
    z = start(name)
    for _ in range(3):
        r = z.request(env={"QUERY_STRING": "load=1"})
        check("%s: a request loading them runs the side effect itself"
              % name, r.status == 0 and msg.encode() in r.err, r)
        time.sleep(0.05)
    for _ in range(3):
        r = z.request(env={"QUERY_STRING": "load=0"})
        check("%s: later requests find neither loaded, nor see its effect"
              % name, r.status == 0 and r.out == b"dep=0\n"
              and msg.encode() not in r.err, r)
    finish(z, name, quiet=False)


FX = {"pl": ["WarmTestFxBinmodeIn", "WarmTestFxBinmodeOut",
              "WarmTestFxAutoflush", "WarmTestFxSelect", "WarmTestFxRS",
              "WarmTestFxORS", "WarmTestFxOFS", "WarmTestFxListSep",
              "WarmTestFxUmask", "WarmTestFxCoreGlobal"],
      "py": ["warmtest_fx_umask", "warmtest_fx_filters",
             "warmtest_fx_showwarning", "warmtest_fx_logging",
             "warmtest_fx_timeout", "warmtest_fx_stdout",
             "warmtest_fx_builtins"]}


def t_learn_state(lang, mod):
    """A module whose load changes process-wide state (binmode, $|, $/,
    umask, warning filters, logging, ...) is not learned: later requests
    that do not load it see that state as a cold run does, signals
    included.  A clean module loaded after it is learned, which shows that
    the zygote did try the first and refused it."""
    name = "fx." + lang
    z = start(name)
    query = lambda load: {"QUERY_STRING": "mod=%s&load=%d" % (mod, load)}
    c = cold(name, env=query(0))
    seen = []
    for _ in range(50):                 # the report is read asynchronously
        r = z.request(env=query(1))     # reports both modules
        if r.status != 0:
            seen.append(r)
            break
        seen.append(z.request(env=query(0)))
        if seen[-1].status != 0 or b"clean=1" in seen[-1].out:
            break
        time.sleep(0.02)
    last = seen[-1]
    check("%s %s: the clean module after it is learned" % (name, mod),
          last.status == 0 and b"\nclean=1 fx=0\n" in last.out, last)
    check("%s %s: is not learned, and later requests see the state of a "
          "cold run" % (name, mod),
          c.status == 0 and b"\nclean=0 fx=0\n" in c.out and all(
              x.status == 0 and b" fx=0\n" in x.out
              and x.out.partition(b" fx=0\n")[2] == c.out.partition(
                  b" fx=0\n")[2] for x in seen),
          "warm %r\n     cold %r" % (last, c))
    finish(z, name)


def t_signals():
    """Signal dispositions and mask of a request are a cold run's: those
    the script's compile phase set stay, nothing the zygote did shows."""
    for name in ("sighandlers.pl", "sighandlers.py"):
        z, c = same(name, times=3)
        sig = re.findall(rb"^Sig(Blk|Ign|Cgt):\t([0-9a-f]+)$", c.out, re.M)
        check("%s: SigBlk/SigIgn/SigCgt as the compile phase left them"
              % name, len(sig) == 3 and all(int(v, 16) for _, v in sig)
              and (c.out + c.err).count(b"usr1") == 1, c)


def t_perl_misc():
    same("sighandlers.pl")
    z, c = same("taint.pl")
    check("taint.pl: runs under -T", c.out.startswith(b"taint=1\n"), c)


def t_teardown():
    with tempfile.TemporaryDirectory() as tmp:
        files = []

        def norm(r):
            name = os.path.join(tmp, "out%d" % len(files))
            files.append(name)
            return r
        outs = {}
        z = start("teardown.py")
        for mode in ("cold", "warm"):
            name = os.path.join(tmp, mode)
            env = {"OUTFILE": name}
            r = cold("teardown.py", env=env) if mode == "cold" else \
                z.request(env=env)
            with open(name) as f:
                outs[mode] = (r.key(), f.read())
        finish(z, "teardown.py")
    check("teardown.py: __del__ and unclosed files at exit as cold",
          outs["warm"] == outs["cold"] and outs["cold"][1] == "unclosed data\n"
          and b"del global sys" in outs["cold"][0][1]
          and b"del cycle sys" in outs["cold"][0][1], outs)
    z, c = same("kbint.py")
    check("kbint.py: uncaught KeyboardInterrupt -> killed by SIGINT",
          c.status == -signal.SIGINT and c.err.endswith(b"KeyboardInterrupt\n"),
          c)


def t_introspect():
    z, c = same("introspect.py")
    check("introspect.py: SIGPIPE ignored as in a cold python",
          b"\n1 <built-in function default_int_handler> 1 0\n" in c.out, c)
    # python3 -u: unbuffered stdio (the zygote's own reused, or rebuilt).
    z, c = same("introspect_u.py")
    check("introspect_u.py: stdout unbuffered as in a cold python -u",
          b" False True FileIO <stdout>\n" in c.out,
          c)


def t_abort(name):
    """A request whose E connection the daemon closed before the request
    process wrote its P line on it (the client went away) never runs the
    script, whatever its compile phase did with SIGPIPE: no marker file,
    no SIGPIPE handler.  Other requests run with the signal state of a cold
    run."""
    z = start(name)
    with tempfile.TemporaryDirectory() as tmp:
        marker = os.path.join(tmp, "ran")
        # Stopped, the zygote and its spare (a Perl zygote's child forked
        # ahead, which accepts requests itself) accept the pair only once
        # both are closed.  The zygote first: then it forks no other.
        stop(z.pid)
        stopped = [z.pid] + children(z.pid)
        for pid in stopped[1:]:
            stop(pid)
        try:
            d, e = z.send_pair(env={"MARKER": marker})
            d.close()
            e.close()
        finally:
            for pid in stopped:
                os.kill(pid, signal.SIGCONT)
        pid, status = z.next_exit(WAIT_S)
        check("%s: closed before its P line -> exits 127 at once, the script "
              "never runs" % name,
              status == 127 and not os.path.exists(marker)
              and b"handler ran" not in z.log,
              "status %r, marker %r, log %r" % (status,
                                                os.path.exists(marker),
                                                bytes(z.log)))
    r, c = z.request(), cold(name)
    check("%s: then a request as cold, same SigBlk/SigIgn/SigCgt" % name,
          r.key() == c.key() and c.out.count(b"\nSig") == 3,
          "warm %r\n     cold %r" % (r, c))
    finish(z, name)


def t_many(lang):
    name = "hello." + lang
    z = start(name)
    rs = [z.request() for _ in range(20)]
    check("%s: 20 requests in a row on one zygote" % name,
          all(r.status == 0 and r.out.startswith(b"Content-Type")
              for r in rs) and len({r.pid for r in rs}) == 20,
          [r for r in rs if r.status != 0][:2])
    finish(z, name)


def t_bad(lang):
    name = "hello." + lang
    z = start(name)

    def closed_without_p(s):
        s.settimeout(WAIT_S)
        try:
            return s.recv(100) == b""
        except socket.timeout:
            return False
        except OSError:
            return True

    s = z.connect()                         # garbage preamble
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    ok1 = closed_without_p(s)
    s = z.connect()                         # connect and hang up
    s.close()
    d, e = z.connect(), z.connect()         # bad length
    d.sendall(b"WCGI1 D 0123456789abcdef\nxyz\n")
    e.sendall(b"WCGI1 E 0123456789abcdef\n")
    ok2 = closed_without_p(e)
    d, e = z.connect(), z.connect()         # token mismatch
    p = b"/\0" b"1\0x\0" b"0\0"
    d.sendall(b"WCGI1 D 0123456789abcdef\n%d\n%s" % (len(p), p))
    e.sendall(b"WCGI1 E 0123456789abcdee\n")
    ok3 = closed_without_p(e) and closed_without_p(d)
    d, e = z.connect(), z.connect()         # malformed payload
    p = b"/\0" b"5\0x\0"
    d.sendall(b"WCGI1 D 0123456789abcdef\n%d\n%s" % (len(p), p))
    e.sendall(b"WCGI1 E 0123456789abcdef\n")
    ok4 = closed_without_p(e)
    r = z.request()
    check("%s: bad connections are dropped, the zygote goes on" % name,
          ok1 and ok2 and ok3 and ok4 and r.status == 0
          and r.out.startswith(b"Content-Type"),
          "%r %r %r %r %r" % (ok1, ok2, ok3, ok4, r))
    t0 = time.monotonic()
    d = z.connect()                          # D with no E: 5 s time-out
    d.sendall(b"WCGI1 D 0123456789abcdef\n")
    ok = closed_without_p(d)
    r = z.request()
    # Not before its time-out; when after it is the machine's business.
    check("%s: an incomplete pair is dropped, not before 4 s" % name,
          ok and 4 <= time.monotonic() - t0 and r.status == 0,
          "%.1f s, %r" % (time.monotonic() - t0, r))
    check("%s: bad pairs are logged on fd 2" % name,
          z.log.count(b"warmcgi-zygote[") >= 5, bytes(z.log))
    finish(z, name, quiet=False)


def t_load_fail():
    with tempfile.NamedTemporaryFile("w", suffix=".pl", dir=SCRIPTS) as f:
        f.write("#!/usr/bin/perl\nthis is not perl(;\n")
        f.flush()
        z = Zygote(os.path.basename(f.name))
        status, rest = z.stop()
        check("perl compile failure: no READY, error on fd 2, non-zero exit",
              z.ready == b"" and status not in (0, "timeout")
              and b"syntax error" in z.log, (z.ready, status, bytes(z.log)))
    with tempfile.NamedTemporaryFile("w", suffix=".py", dir=SCRIPTS) as f:
        f.write("#!/usr/bin/python3\nthis is not python(\n")
        f.flush()
        z = Zygote(os.path.basename(f.name))
        status, rest = z.stop()
        check("python compile failure: no READY, error on fd 2, non-zero exit",
              z.ready == b"" and status not in (0, "timeout")
              and b"SyntaxError" in z.log, (z.ready, status, bytes(z.log)))


def t_bad_both():
    """Both languages at once: each waits out a 5 s time-out."""
    threads = [threading.Thread(target=t_bad, args=(lang,))
               for lang in ("pl", "py")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def latency(name, n_warm=50, n_cold=15, env=None):
    """Median wall time of a warm request and of a cold run."""
    z = start(name)
    warm, cold_t = [], []
    first = None
    for _ in range(n_warm):
        t = time.perf_counter()
        r = z.request(env=env)
        warm.append(time.perf_counter() - t)
        first = first or r
    for _ in range(n_cold):
        t = time.perf_counter()
        c = cold(name, env=env)
        cold_t.append(time.perf_counter() - t)
    check("%s: warm == cold (timed script)" % name, first.key() == c.key(),
          "warm %r\n     cold %r" % (first, c))
    finish(z, name)
    w, c = statistics.median(warm) * 1000, statistics.median(cold_t) * 1000
    print("latency %-11s warm %6.2f ms  cold %6.2f ms  (%.1fx; medians of "
          "%d/%d)" % (name, w, c, c / w, n_warm, n_cold))


TESTS = [
    ("hello", lambda: (t_hello("pl"), t_hello("py"))),
    ("env", lambda: (t_env("pl"), t_env("py"))),
    ("args", lambda: (t_args_pl(), t_args_py())),
    ("echo", lambda: (t_echo("pl"), t_echo("py"))),
    ("exits", t_exits),
    ("end", t_end),
    ("data", t_data),
    ("rand", lambda: (t_rand("pl"), t_rand("py"))),
    ("system", t_system),
    ("warn", t_warn),
    ("fds", lambda: (t_fds("pl"), t_fds("py"))),
    ("learn", lambda: (t_learn("pl"), t_learn("py"),
                       t_learn_fx("pl", "endblock"),
                       t_learn_fx("py", "atexit"),
                       t_learn_dep("pl", "WarmTestAaa END ran"),
                       t_learn_dep("py", "warmtest_dirtypkg ran"))),
    ("learnstate", lambda: [t_learn_state(lang, mod)
                            for lang in FX for mod in FX[lang]]),
    ("signals", t_signals),
    ("perlmisc", t_perl_misc),
    ("introspect", t_introspect),
    ("teardown", t_teardown),
    ("abort", lambda: [t_abort(n) for n in ("abort_ign.pl", "abort_hdl.pl",
                                            "abort_ign.py", "abort_hdl.py")]),
    ("many", lambda: (t_many("pl"), t_many("py"))),
    ("loadfail", t_load_fail),
    ("bad", t_bad_both),
    ("latency", lambda: (
        latency("hello.pl"), latency("hello.py"),
        os.system("perl -MCGI -e1 2>/dev/null") == 0
        and latency("cgipm.pl"), latency("imports.py"))),
]


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:     # PR_SET_CHILD_SUBREAPER
        sys.exit("prctl(PR_SET_CHILD_SUBREAPER) failed")
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    t0 = time.monotonic()
    for name, fn in TESTS:
        if ONLY and ONLY != name:
            continue
        try:
            fn()
        except Exception as exc:
            import traceback
            check("%s: no exception in the harness" % name, False,
                  traceback.format_exc())
    print("(%.1f s)" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
