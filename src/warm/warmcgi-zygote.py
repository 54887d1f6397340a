"""warmcgi zygote for Python 3 CGI scripts: src/warm/PROTOCOL.md, version 2.

    python3 LIBEXECDIR/warmcgi-zygote.py SCRIPT

Compiles SCRIPT once, runs its top-level imports (only those) to fill
sys.modules, then forks once per request.  A request process runs the code
object in a fresh __main__ and exits as a cold `python3 SCRIPT` would (exit
status, traceback, non-daemon threads joined, atexit handlers, __del__ of the
script's objects, stdio flushed: see finish()); the zygote reaps it and
reports its exit status to the daemon.  Standard library only.
"""

import _warnings
import ast
import atexit
import builtins
import gc
import importlib
import importlib.machinery
import importlib.util
import io
import locale
import os
import random
import re
import signal
import socket
import sys
import types

TIMEOUT = 5         # seconds to get a whole preamble and the E connection
LEARN_MAX = 256     # modules a zygote imports on behalf of its requests
TRIAL_TIME = 1      # seconds for the trial import of what was reported
MODULE_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")

# What the zygote calls for each request, looked up once: os.fork, say,
# looked up at each call writes to the os module's refcount, a page the
# zygote shares with its request processes, a copy per request (see
# main()).  _socket's MSG_PEEK is a plain int, socket's an enum member.
from os import close, fork, waitpid, write, WNOHANG
from select import select
from time import monotonic
from _socket import MSG_PEEK, socket as Socket
pidfd_open = getattr(os, "pidfd_open", None)   # Linux 5.3, Python 3.9


class Zygote:
    """What the request processes start from, besides the loaded script."""

    def __init__(self, listen):
        self.listen = listen
        self.sockname = listen.getsockname()
        # Requests report the modules they imported at run time (inside a
        # function, as email.message does): the next ones find them loaded.
        self.learned = 0
        self.pending = b""      # reported, not yet looked at
        self.pending_since = 0.0
        self.refused = set()    # failed their trial: never again
        self.modules = None     # sys.modules at the last snapshot
        self.request = False    # this is a request process
        self.kids = {}          # request processes running: pid -> pidfd
        # What serve() selects on, kept up to date by watch() and exited()
        # rather than built for each turn of the loop: each object made
        # or touched there costs a page copy per request (see main()).
        self.fds = [0, listen]  # fd 0, the listener, the kids' pidfds
        self.unwatched = 0      # kids without a pidfd: polled for
        self.sigchld = signal.getsignal(signal.SIGCHLD)    # the script's
        self.snapshot()
        # The locale PEP 538 coerced this interpreter to, if it did.
        self.coerced = (os.environ.get("LC_CTYPE")
                        if "LC_ALL" not in os.environ else None)
        self.rlimits, self.nice = limits_init()

    def snapshot(self):
        """Signal dispositions as they are now: those of a fresh
        interpreter (SIGPIPE and SIGXFSZ ignored, SIGINT raising
        KeyboardInterrupt, the rest default, as the daemon spawned us)
        plus whatever the imports installed, and SIGCHLD as the script's
        own imports left it.  The request process restores exactly these.
        Objects made so far are shared by every request: keep the
        collector off them (cheaper collections, fewer copy-on-write
        faults)."""
        self.signals = {}
        for sig in signal.valid_signals():
            if sig not in (signal.SIGKILL, signal.SIGSTOP):
                handler = signal.getsignal(sig)
                if handler is not None:
                    self.signals[sig] = handler
        self.signals[signal.SIGCHLD] = self.sigchld
        # Ours to reap, whatever the script's imports chose for theirs.
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        # What a request process must change, worked out here once: each
        # object a request touches costs it a page copy (its refcount).
        self.sigfix = [(sig, h) for sig, h in self.signals.items()
                       if signal.getsignal(sig) is not h]
        self.modules = frozenset(sys.modules)
        gc.freeze()

    def add_pending(self, report):
        if not self.pending:
            self.pending_since = monotonic()
        self.pending += report

    def learn(self):
        """Import what requests reported, if this zygote would find the
        very file they imported and if a trial import in a throwaway child
        leaves nothing behind that a request would notice (see trial()).
        Failures are ignored: the requests import it themselves."""
        want = []
        for line in self.pending.split(b"\n"):
            name, _, origin = line.partition(b"\t")
            if len(want) + self.learned + len(self.refused) >= LEARN_MAX:
                break
            if not MODULE_NAME.fullmatch(name):
                continue
            name = name.decode()
            parent = name.rpartition(".")[0]
            # find_spec() would import an absent parent package here,
            # untried: such a name waits for a report after its parent's.
            if (name in sys.modules or name in want or name in self.refused
                    or (parent and parent not in sys.modules)):
                continue
            try:
                spec = importlib.util.find_spec(name)
            except BaseException:
                continue
            if spec is not None and os.fsencode(spec.origin or "") == origin:
                want.append(name)
        self.pending = b""
        try:
            want = self.trial(want)
            saved = os.dup(1)   # fd 1 is the daemon's: output goes to fd 2
        except OSError:
            return
        self.learned += len(want)
        os.dup2(2, 1)
        try:
            for name in want:
                try:
                    importlib.import_module(name)
                except BaseException:
                    pass
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            sys.stdout.flush()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        self.snapshot()

    def trial(self, names):
        """The names, in order, that a child of ours imports one after
        the other, up to the first whose import fails, takes over
        TRIAL_TIME seconds, or changes anything side_effects() looks at
        (that would reach requests that never import the module).  That
        one is refused for good; the names after it wait for a later
        report.  Imported in the same order here, the clean ones find
        exactly what they found in the trial."""
        if not names:
            return []
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            raise
        if pid == 0:
            try:
                os.close(r)
                os.dup2(2, 1)
                for name in names:
                    before, had = side_effects(), set(sys.modules)
                    try:
                        importlib.import_module(name)
                        clean = same_effects(before, side_effects(), had)
                    except BaseException:
                        clean = False
                    os.write(w, b"%s%s\n" % (b"+" if clean else b"!",
                                              name.encode()))
                    if not clean:
                        break
            finally:
                os._exit(0)
        os.close(w)
        out = b""
        deadline = monotonic() + TRIAL_TIME
        try:
            while readable(r, deadline):
                chunk = os.read(r, 65536)
                if not chunk:
                    break
                out += chunk
        finally:
            os.close(r)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        done = out.split(b"\n")[:-1]   # whole lines: +clean or !refused
        if done and done[-1].startswith(b"!"):
            self.refused.add(done.pop()[1:].decode())
        elif len(done) < len(names):    # out of time importing this one
            self.refused.add(names[len(done)])
        return [n[1:].decode() for n in done]

    def watch(self, pid):
        """Its exit makes its pidfd readable, with no race against
        select; without pidfds (an old kernel) it is polled for."""
        try:
            fd = pidfd_open(pid)
        except (TypeError, OSError):    # TypeError: None, see above
            fd = None
            self.unwatched += 1
        else:
            self.fds.append(fd)
        self.kids[pid] = fd

    def reap(self, readable=()):
        """Report each request process that has exited:
        "X<pid> <wait status>".  One whose pidfd says it has gone but
        that is not ours to wait for any more (an import set SIGCHLD to be
        ignored) is reported as killed, so that the daemon does not wait
        for it for ever."""
        while self.kids:
            try:
                pid, status = waitpid(-1, WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            self.exited(pid, status)
        for pid, fd in list(self.kids.items()):
            if fd in readable:
                try:
                    done, status = waitpid(pid, WNOHANG)
                except ChildProcessError:
                    done, status = pid, signal.SIGKILL
                if done:
                    self.exited(pid, status)

    def exited(self, pid, status):
        if pid in self.kids:
            fd = self.kids.pop(pid)
            if fd is None:
                self.unwatched -= 1
            else:
                self.fds.remove(fd)
                close(fd)
        try:
            write(1, b"X%d %d\n" % (pid, status))
        except BrokenPipeError:
            os._exit(0)                 # the daemon has gone

    def report(self):
        """In a request process at exit: the modules it imported, on a
        connection of its own (PROTOCOL.md "Learning"), so that no
        descriptor of ours is open while the script runs.  Nothing here
        may change how the request ends."""
        if not self.request:
            return
        try:
            # New names are at the end of sys.modules (a dict keeps its
            # order): stop at the first old one rather than touch them all.
            new = []
            for name in reversed(sys.modules):
                if name in self.modules:
                    break
                new.append(name)
            lines = b""
            for name in reversed(new):
                m = sys.modules.get(name)
                if not isinstance(m, types.ModuleType):
                    continue
                origin = getattr(vars(m).get("__spec__"), "origin", None)
                if isinstance(origin, str):
                    lines += b"%s\t%s\n" % (name.encode(),
                                             os.fsencode(origin))
            if not lines or len(lines) > 65536:
                return
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
                c.setblocking(False)    # a busy zygote: give up, not wait
                c.connect(self.sockname)
                c.sendall(b"WCGI1 L\n" + lines)
        except Exception:
            pass


class Abandoned(OSError):
    """A connection closed before its first byte: the daemon gave up on
    that request (its client went away); nothing to log."""


def side_effects():
    """What a module's import could leave behind for every later request
    (see Zygote.trial): atexit handlers, signal handlers, excepthook,
    threads, descriptors, environment, sys.path, cwd, the umask, warning
    filters and how warnings are shown, logging's configuration,
    socket.setdefaulttimeout(), sys.stdin, stdout or stderr replaced,
    builtins replaced or added.  Only ever called in a throwaway child:
    reading the umask sets it."""
    threading = sys.modules.get("threading")
    warnings = sys.modules.get("warnings") or _warnings
    shown = [getattr(warnings, "showwarning", None),
             getattr(warnings, "formatwarning", None)]
    if shown == [getattr(warnings, "_showwarning_orig", None),
                 getattr(warnings, "_formatwarning_orig", None)]:
        shown = None            # the module's own, as before it is imported
    mask = os.umask(0o022)
    os.umask(mask)
    return {"other": (
        atexit._ncallbacks(), sys.excepthook,
        tuple(signal.getsignal(s) for s in signal.valid_signals()
              if s not in (signal.SIGKILL, signal.SIGSTOP)),
        threading.active_count() if threading else 1,
        sorted(os.listdir("/proc/self/fd")), dict(os.environ),
        list(sys.path), os.getcwd(), mask, shown, socket.getdefaulttimeout(),
        (sys.stdin, sys.stdout, sys.stderr,
         sys.__stdin__, sys.__stdout__, sys.__stderr__),
        dict(vars(builtins))),
        "filters": list(warnings.filters), "loggers": loggers()}


def loggers():
    """logging.disable()'s level, and the handlers, level and flags of
    each logger (None for the root), as a fresh logging module has them
    while it is not imported."""
    logging = sys.modules.get("logging")
    if logging is None:
        return 0, {None: ((), 30, False, True)}
    state = {None: logging.root}
    state.update((name, lg) for name, lg in
                 list(logging.root.manager.loggerDict.items())
                 if isinstance(lg, logging.Logger))
    return logging.root.manager.disable, {
        name: (tuple(lg.handlers), lg.level, lg.disabled, lg.propagate)
        for name, lg in state.items()}


def same_effects(before, after, had):
    """Nothing changed, but for what only the import's own code can see:
    loggers it made (a library's own logger with a NullHandler) and
    warning filters for categories it defined (as requests adds one for
    its FileModeWarning).  had: the modules there before the import."""
    (disable, old), (disable2, new) = before["loggers"], after["loggers"]
    filters = [f for f in after["filters"]
               if getattr(f[2], "__module__", None) in had]
    return (before["other"] == after["other"] and disable == disable2
            and before["filters"] == filters
            and all(new.get(name) == v for name, v in old.items()))


def limits_init():
    """The daemon's --rlimit and --nice for request processes
    (PROTOCOL.md): WARMCGI_RLIMITS "RESOURCE:SOFT:HARD,...", with the
    kernel's numbers, and WARMCGI_NICE.  resource is imported only when
    there are limits: each module here is in every request."""
    rlimits = []
    for item in os.environ.get("WARMCGI_RLIMITS", "").split(","):
        if item:
            res, soft, hard = (int(x) for x in item.split(":"))
            rlimits.append((res, soft, hard))
    if rlimits:
        import resource
        inf = resource.RLIM_INFINITY
        rlimits = [(r, s if s < 1 << 63 else inf, h if h < 1 << 63 else inf)
                   for r, s, h in rlimits]
    nice = os.environ.get("WARMCGI_NICE")
    return rlimits, int(nice) if nice else None


def limits_apply(z):
    """In a request process, before the script: as an exec'd one gets
    them from the daemon.  A failure raises: the request never runs."""
    if z.rlimits:
        import resource
        for res, soft, hard in z.rlimits:
            resource.setrlimit(res, (soft, hard))
    if z.nice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, z.nice)


def log(msg):
    """A line to the daemon's log (fd 2)."""
    os.write(2, ("warmcgi-zygote[%d]: %s\n" % (os.getpid(), msg)).encode())


def new_main(path):
    """A fresh __main__ module, with the globals a cold run's has."""
    m = types.ModuleType("__main__")
    m.__dict__.update(__file__=path, __cached__=None, __annotations__={},
                      __builtins__=builtins,
                      __loader__=importlib.machinery.SourceFileLoader(
                          "__main__", path))
    return m


def warm_imports(source, path):
    """Run the script's top-level import statements, ignoring failures."""
    ns = new_main(path)
    sys.modules["__main__"] = ns
    for node in ast.parse(source, path).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            try:
                exec(compile(ast.Module([node], []), path, "exec"),
                     ns.__dict__)
            except BaseException:
                pass


def share_code():
    """fork() copies the page table entries of a mapping only if it has
    private pages: a read-only mapping of a file (the code and constants
    of the interpreter and its libraries) is left for each request
    process to fault in again, the pages the zygote has used included.
    Giving each such mapping one private page, by writing one of its
    bytes back through /proc/self/mem as a debugger sets a breakpoint,
    makes fork() copy its entries.  Best effort: a kernel that refuses
    the write just costs the faults."""
    try:
        fd = os.open("/proc/self/mem", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return
    try:
        with open("/proc/self/maps", "rb") as maps:
            for line in maps:
                # start-end perms offset dev inode path: private, read-only
                f = line.split(None, 5)
                if (len(f) == 6 and f[1] in (b"r--p", b"r-xp")
                        and f[4] != b"0"):
                    at = int(f[0].split(b"-")[0], 16)
                    try:
                        os.pwrite(fd, os.pread(fd, 1, at), at)
                    except OSError:
                        pass
    finally:
        os.close(fd)


def readable(fd, deadline):
    left = deadline - monotonic()
    return left > 0 and bool(select([fd], [], [], left)[0])


def recv(sock, n, deadline, flags=0):
    """Up to n bytes, waiting for them until the deadline at most: by a
    timeout on the socket, not select(), whose lists would be new objects
    at each call (page copies, see main())."""
    left = deadline - monotonic()
    if left <= 0:
        raise OSError("timeout")
    sock.settimeout(left)
    return sock.recv(n, flags)


def read_exact(sock, n, deadline):
    if n == 0:
        return b""
    buf = recv(sock, n, deadline)
    if len(buf) == n:           # as a rule: nothing to copy
        return buf
    buf = bytearray(buf)
    while len(buf) < n:
        chunk = recv(sock, n - len(buf), deadline)
        if not chunk:
            raise OSError("early end of file")
        buf += chunk
    return bytes(buf)


def slurp(sock, deadline):
    """Up to end of file (64 KiB at most)."""
    buf = bytearray()
    while len(buf) < 65536:
        chunk = recv(sock, 65536 - len(buf), deadline)
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def read_line(sock, deadline):
    """One b"\\n"-terminated line and nothing after it: peek, then read
    up to the line end (or all that was there, and peek again)."""
    line = b""
    while True:
        if len(line) >= 64:
            raise OSError("line too long")
        peek = recv(sock, 64 - len(line), deadline, MSG_PEEK)
        if not peek:                    # before a word: the daemon gave up
            raise Abandoned() if not line else OSError("early end of file")
        end = peek.find(b"\n") + 1
        line += read_exact(sock, end or len(peek), deadline)
        if end:
            return line


def parse_payload(payload):
    """cwd, argc, argv..., envc, env..., each NUL-terminated."""
    f = payload.split(b"\0")
    if len(f) < 3 or f.pop() != b"":
        raise ValueError("bad payload")
    cwd, argc = f[0], f[1]
    if not argc.isdigit() or len(f) < 3 + int(argc):
        raise ValueError("bad argc")
    argv, envc, env = f[2:2 + int(argc)], f[2 + int(argc)], f[3 + int(argc):]
    if not envc.isdigit() or len(env) != int(envc):
        raise ValueError("bad envc")
    return cwd, argv, env


def accept_pair(z, listen):
    """Accept and check one D/E pair and fork the request process.

    Returns (d, e, cwd, argv, env) in the request process, None in the
    zygote, which always closes D and E; raises on a bad pair."""
    deadline = monotonic() + TIMEOUT
    d = e = None
    try:
        d = Socket(fileno=listen._accept()[0])
        m = read_line(d, deadline)
        if m.startswith(b"WCGI1 E ") and len(m) == 25:
            return None         # the E of a pair whose D the daemon closed
        if m == b"WCGI1 L\n":
            z.add_pending(slurp(d, deadline))
            return None
        if not (m.startswith(b"WCGI1 D ") and len(m) == 25):
            raise ValueError("bad preamble on D")
        token = m[8:24]
        if token.translate(None, b"0123456789abcdefABCDEF"):
            raise ValueError("bad token on D")
        n = read_line(d, deadline)
        if not n[:-1].isdigit() or len(n) > 10:
            raise ValueError("bad payload length on D")
        cwd, argv, env = parse_payload(read_exact(d, int(n), deadline))
        while True:                     # a report may come between D and E
            if not readable(listen, deadline):
                raise OSError("no E connection")
            e = Socket(fileno=listen._accept()[0])
            try:
                m = read_line(e, deadline)
            except Abandoned:           # e.g. a report that never came
                m = None
            if m == b"WCGI1 E " + token + b"\n":
                break
            if m is not None and m != b"WCGI1 L\n":
                raise ValueError("bad preamble or token on E")
            if m is not None:
                z.add_pending(slurp(e, deadline))
            e.close()
            e = None
        d.setblocking(True)
        e.setblocking(True)

        pid = fork()
        if pid == 0:                    # the request process keeps D and E
            req, d, e = (d, e, cwd, argv, env), None, None
            return req
        z.watch(pid)
        return None
    finally:
        for s in (d, e):
            if s is not None:
                s.close()


def serve(z):
    """The zygote loop: returns a request in a request process only."""
    listen = z.listen
    while True:
        poll = 0.05 if z.unwatched else None
        if z.pending and poll is None:
            poll = 0.01
        r, _, _ = select(z.fds, [], [], poll)
        z.reap(r)
        # Learn when no request waits, or it would wait long.
        if z.pending and (not r or
                          monotonic() - z.pending_since >= 1):
            z.learn()
            continue
        if 0 in r:
            try:
                if not os.read(0, 512):
                    os._exit(0)         # EOF on fd 0: exit now, quietly
            except InterruptedError:
                pass
        if listen in r:
            try:
                req = accept_pair(z, listen)
            except Abandoned:
                continue
            except Exception as exc:
                log("%s: %s" % (type(exc).__name__, exc))
                continue
            if req is not None:
                return req


def stdio():
    """sys.stdin/stdout/stderr over fds 0-2 as a normal start makes them
    (encoding, errors and -u as the zygote's own interpreter chose)."""
    unbuffered = isinstance(sys.__stdout__.buffer, io.FileIO)
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        old = getattr(sys, "__%s__" % name)
        line = not unbuffered and (fd == 2 or os.isatty(fd))
        # The zygote's own, untouched since start-up (it never reads
        # sys.stdin, and flushed the others before READY), are what a
        # fresh start would make: reused, they cost a request no page
        # copies for new objects and codec look-ups.
        if (type(old) is io.TextIOWrapper and not old.closed
                and old.fileno() == fd and old.line_buffering == line):
            setattr(sys, name, old)
            continue
        raw = io.FileIO(fd, "rb" if fd == 0 else "wb", closefd=False)
        raw.name = "<%s>" % name
        if fd == 0:
            buf = io.BufferedReader(raw)
        else:
            buf = raw if unbuffered else io.BufferedWriter(raw)
        new = io.TextIOWrapper(
            buf, old.encoding, old.errors, "\n",
            line_buffering=line,
            write_through=unbuffered)
        new.mode = "r" if fd == 0 else "w"
        setattr(sys, name, new)
        setattr(sys, "__%s__" % name, new)


def coerce_locale(coerced):
    """PEP 538 as a cold python3 applies it at start-up: a request whose
    environment leaves LC_CTYPE at C or POSIX gets the UTF-8 locale the
    zygote was coerced to, in os.environ too, so that its subprocesses
    see what a cold run's would."""
    env = os.environ
    if (coerced in (None, "C", "POSIX") or "LC_ALL" in env
            or env.get("PYTHONCOERCECLOCALE") == "0"):
        return
    ctype = env.get("LC_CTYPE") or env.get("LANG") or "C"
    if ctype in ("C", "POSIX"):
        env["LC_CTYPE"] = coerced
        try:
            locale.setlocale(locale.LC_CTYPE, coerced)
        except locale.Error:
            pass


def start_request(z, req):
    """Steps 1-5 of PROTOCOL.md "One request", in the request process."""
    d, e, cwd, argv, env = req
    z.request = True
    for fd in z.kids.values():
        if fd is not None:
            os.close(fd)
    z.kids = {}
    # 1. own process group, so that the daemon can kill(-pid) the tree
    os.setpgid(0, 0)
    # 2. our pid, before anything else is written on E.  If that fails,
    # the daemon has closed E (the client went away) and would not track
    # us: main() leaves before any of the script runs.  No SIGPIPE either:
    # an import may have set a handler for it.
    line = b"P%d\n" % os.getpid()
    if e.send(line, socket.MSG_NOSIGNAL) != len(line):
        raise BrokenPipeError("short write of the P line")
    # 3. descriptors: D on 0 and 1, E on 2, nothing of the zygote's
    z.listen.close()
    os.dup2(d.fileno(), 0)
    os.dup2(d.fileno(), 1)
    os.dup2(e.fileno(), 2)
    d.close()
    e.close()
    stdio()
    # 4. environment, argv, cwd, signals, random seed
    os.environb.clear()
    for kv in env:
        k, eq, v = kv.partition(b"=")
        if eq and k:
            os.environb[k] = v
    coerce_locale(z.coerced)
    sys.argv = [os.fsdecode(a) for a in argv]
    try:
        os.chdir(cwd)
    except OSError as exc:
        print("warmcgi-zygote: chdir %s: %s" % (os.fsdecode(cwd), exc),
              file=sys.stderr, flush=True)
        os._exit(127)
    for sig, handler in z.sigfix:
        try:
            signal.signal(sig, handler)
        except (OSError, ValueError):
            pass
    random.seed()
    # 5. the script's resource limits and niceness
    limits_apply(z)


def run(code, path):
    """Step 5: run the script in a fresh __main__; returns the exit status
    and whether it ended by an uncaught KeyboardInterrupt."""
    main = new_main(path)
    sys.modules["__main__"] = main
    try:
        exec(code, main.__dict__)
    except SystemExit as exc:           # as Python's handle_system_exit
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0, False
        print(exc.code, file=sys.stderr)
        return 1, False
    except BaseException as exc:        # printed as the interpreter would,
        tb = exc.__traceback__.tb_next  # without our frame
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        return 1, isinstance(exc, KeyboardInterrupt)
    return 0, False


def flush_std(status):
    """Flush sys.stdout and sys.stderr as Py_FinalizeEx does: a failure
    makes the exit status 120."""
    for f in (sys.stdout, sys.stderr):
        if f is not None and not getattr(f, "closed", False):
            try:
                f.flush()
            except Exception as exc:
                if f is sys.stdout:
                    print("Exception ignored in: %r\n%s: %s"
                          % (f, type(exc).__name__, exc), file=sys.stderr)
                status = 120
    return status


def finish(z, status, interrupted):
    """Leave the request process the way Py_FinalizeEx would, as far as a
    script can tell: join non-daemon threads, run atexit handlers once,
    flush stdio, then drop the script's __main__ so that its objects are
    finalized (__del__, unclosed files flushed), and flush again.  What is
    skipped is tearing down every other module: it costs more than the
    rest of a small request (refcount writes fault in the whole shared
    heap), and Python does not promise __del__ for what is left at exit."""
    if "threading" in sys.modules:
        sys.modules["threading"]._shutdown()
    atexit._run_exitfuncs()
    status = flush_std(status)
    z.report()
    # Files the script left open get their buffers flushed, as when Python
    # frees them at exit: first, because the collector may close a raw
    # file before its buffer.  (Only objects made since gc.freeze().)
    for obj in gc.get_objects():
        if isinstance(obj, (io.BufferedWriter, io.BufferedRandom,
                            io.TextIOWrapper)):
            try:
                obj.flush()
            except Exception:
                pass
    sys.modules.pop("__main__", None)
    gc.collect()
    status = flush_std(status)
    if interrupted:                     # as Python does after ^C
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(status)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: warmcgi-zygote.py SCRIPT")
    script = sys.argv[1]
    path = os.path.abspath(script)      # as a cold run names it
    with open(script, "rb") as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)
    sys.argv = [script]
    sys.path[0] = os.path.dirname(os.path.realpath(script))
    warm_imports(source, path)

    # The C socket type, not socket.socket: the Python class's accept()
    # and constructor, run for each connection, touch objects on pages
    # the zygote shares with its request processes (a page copy each).
    z = Zygote(Socket(fileno=int(os.environ.get("WARMCGI_ZYGOTE_FD", "3"))))
    sys.stdout.flush()
    sys.stderr.flush()
    share_code()
    os.write(1, b"READY\n")
    req = serve(z)                      # returns in a request process only
    try:
        start_request(z, req)
    except (BrokenPipeError, ConnectionResetError):
        os._exit(127)                   # the daemon gave up on the request
    except BaseException as exc:
        log("request set-up: %s: %s" % (type(exc).__name__, exc))
        os._exit(127)
    finish(z, *run(code, path))


if __name__ == "__main__":
    main()
