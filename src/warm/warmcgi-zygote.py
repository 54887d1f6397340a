"""warmcgi zygote for Python 3 CGI scripts: src/warm/PROTOCOL.md, version 1.

    python3 LIBEXECDIR/warmcgi-zygote.py SCRIPT

Compiles SCRIPT once, runs its top-level imports (only those) to fill
sys.modules, then forks once per request.  A request process runs the code
object in a fresh __main__ and exits as a cold `python3 SCRIPT` would (exit
status, traceback, non-daemon threads joined, atexit handlers, __del__ of the
script's objects, stdio flushed: see finish()).  Standard library only.
"""

import ast
import atexit
import builtins
import gc
import importlib.machinery
import io
import locale
import os
import random
import select
import signal
import socket
import sys
import time
import types

TIMEOUT = 5         # seconds to get a whole preamble and the E connection


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


def readable(fd, deadline):
    left = deadline - time.monotonic()
    return left > 0 and bool(select.select([fd], [], [], left)[0])


def read_exact(sock, n, deadline):
    buf = bytearray()
    while len(buf) < n:
        if not readable(sock, deadline):
            raise OSError("timeout")
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise OSError("early end of file")
        buf += chunk
    return bytes(buf)


def read_line(sock, deadline):
    """One b"\\n"-terminated line, byte by byte: nothing after it is read."""
    line = b""
    while not line.endswith(b"\n"):
        if len(line) >= 64:
            raise OSError("line too long")
        line += read_exact(sock, 1, deadline)
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


def accept_pair(listen):
    """Accept and check one D/E pair and fork the request process.

    Returns (d, e, cwd, argv, env) in the request process, None in the
    zygote, which always closes D and E; raises on a bad pair."""
    deadline = time.monotonic() + TIMEOUT
    d = e = None
    try:
        d, _ = listen.accept()
        m = read_line(d, deadline)
        if not (m.startswith(b"WCGI1 D ") and len(m) == 25):
            raise ValueError("bad preamble on D")
        token = m[8:24]
        if token.translate(None, b"0123456789abcdefABCDEF"):
            raise ValueError("bad token on D")
        n = read_line(d, deadline)
        if not n[:-1].isdigit() or len(n) > 10:
            raise ValueError("bad payload length on D")
        cwd, argv, env = parse_payload(read_exact(d, int(n), deadline))
        if not readable(listen, deadline):
            raise OSError("no E connection")
        e, _ = listen.accept()
        if read_line(e, deadline) != b"WCGI1 E " + token + b"\n":
            raise ValueError("bad preamble or token on E")
        d.setblocking(True)
        e.setblocking(True)

        pid = os.fork()
        if pid == 0:
            # Intermediate child: fork the request process, leave at once
            # (no atexit, no flushing).  The request process is reparented
            # to the daemon, a child subreaper.
            try:
                pid = os.fork()
            except BaseException:
                os._exit(1)
            if pid == 0:                # the request process keeps D and E
                req, d, e = (d, e, cwd, argv, env), None, None
                return req
            os._exit(0)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:       # SIGCHLD ignored by an import
            pass
        return None
    finally:
        for s in (d, e):
            if s is not None:
                s.close()


def serve(listen):
    """The zygote loop: returns a request in a request process only."""
    while True:
        r, _, _ = select.select([0, listen], [], [])
        if 0 in r:
            try:
                if not os.read(0, 512):
                    os._exit(0)         # EOF on fd 0: exit now, quietly
            except InterruptedError:
                pass
        if listen in r:
            try:
                req = accept_pair(listen)
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
        raw = io.FileIO(fd, "rb" if fd == 0 else "wb", closefd=False)
        raw.name = "<%s>" % name
        if fd == 0:
            buf = io.BufferedReader(raw)
        else:
            buf = raw if unbuffered else io.BufferedWriter(raw)
        new = io.TextIOWrapper(
            buf, old.encoding, old.errors, "\n",
            line_buffering=not unbuffered and (fd == 2 or raw.isatty()),
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


def start_request(listen, req, signals, coerced):
    """Steps 1-4 of PROTOCOL.md "One request", in the request process."""
    d, e, cwd, argv, env = req
    # 1. own process group, so that the daemon can kill(-pid) the tree
    os.setpgid(0, 0)
    # 2. our pid, before anything else is written on E
    e.sendall(b"P%d\n" % os.getpid())
    # 3. descriptors: D on 0 and 1, E on 2, nothing of the zygote's
    listen.close()
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
    coerce_locale(coerced)
    sys.argv = [os.fsdecode(a) for a in argv]
    try:
        os.chdir(cwd)
    except OSError as exc:
        print("warmcgi-zygote: chdir %s: %s" % (os.fsdecode(cwd), exc),
              file=sys.stderr, flush=True)
        os._exit(127)
    for sig, handler in signals.items():
        try:
            signal.signal(sig, handler)
        except (OSError, ValueError):
            pass
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    random.seed()


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


def finish(status, interrupted):
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
    # The locale PEP 538 coerced this interpreter to, if it did.
    coerced = os.environ.get("LC_CTYPE") if "LC_ALL" not in os.environ \
        else None
    path = os.path.abspath(script)      # as a cold run names it
    with open(script, "rb") as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)
    sys.argv = [script]
    sys.path[0] = os.path.dirname(os.path.realpath(script))
    warm_imports(source, path)

    # Signal dispositions as they are now: those of a fresh interpreter
    # (SIGPIPE and SIGXFSZ ignored, SIGINT raising KeyboardInterrupt, the
    # rest default, as the daemon spawned us) plus whatever the imports
    # installed.  The request process restores exactly these.
    signals = {}
    for sig in signal.valid_signals():
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            handler = signal.getsignal(sig)
            if handler is not None:
                signals[sig] = handler

    listen = socket.socket(fileno=int(os.environ.get("WARMCGI_ZYGOTE_FD",
                                                     "3")))
    # Objects made so far are shared by every request: keep the collector
    # off them (cheaper collections, fewer copy-on-write faults).
    gc.freeze()
    sys.stdout.flush()
    sys.stderr.flush()
    os.write(1, b"READY\n")
    req = serve(listen)                 # returns in a request process only
    try:
        start_request(listen, req, signals, coerced)
    except BaseException as exc:        # e.g. E closed: the daemon gave up
        log("request set-up: %s: %s" % (type(exc).__name__, exc))
        os._exit(127)
    finish(*run(code, path))


if __name__ == "__main__":
    main()
