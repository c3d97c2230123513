"""Which BLAS a peer actually runs: library, path, version, kernel (OpenBLAS core type) and threads.

threadpoolctl when installed; otherwise the BLAS libraries mapped into this process (/proc/self/maps)
are asked directly (openblas_get_corename / openblas_get_config); a mapped BLAS without OpenBLAS's
symbols is reported as such (on Debian that is the reference BLAS), and if neither works we say so.
Call after numpy/torch are imported so their BLAS is loaded.
"""

import ctypes
import os


def _from_threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        return None
    pools = [
        {
            "source": "threadpoolctl",
            "library": p.get("internal_api"),
            "path": p.get("filepath"),
            "version": p.get("version"),
            "kernel": p.get("architecture"),
            "threads": p.get("num_threads"),
            "threading_layer": p.get("threading_layer"),
        }
        for p in threadpoolctl.threadpool_info()
        if p.get("user_api") == "blas"
    ]
    return pools or None


def _from_mapped_openblas():
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "blas" in line and ".so" in line})
    except OSError:
        return None
    infos = []
    for path in paths:
        if not os.path.isfile(path):
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        info = {"source": "ctypes", "path": path}
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            info.update(
                library="openblas",
                kernel=lib.openblas_get_corename().decode(),
                version=lib.openblas_get_config().decode(),
                threads=lib.openblas_get_num_threads(),
            )
        else:
            info["library"] = "unknown (no openblas symbols: possibly the reference netlib BLAS)"
        infos.append(info)
    return infos or None


def blas_info():
    """A list of dicts describing each BLAS in the process, or a one-item list explaining why unknown."""
    return (
        _from_threadpoolctl()
        or _from_mapped_openblas()
        or [{"source": "none", "library": "unknown: threadpoolctl missing and no BLAS library found in /proc/self/maps"}]
    )


def openblas_env():
    """The OPENBLAS_* variables this process sees (they change the kernel OpenBLAS picks)."""
    return {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}


def blas_threads():
    """The thread count of each BLAS in the process right now (threadpoolctl or OpenBLAS), or None."""
    info = _from_threadpoolctl() or _from_mapped_openblas() or []
    counts = [i["threads"] for i in info if isinstance(i.get("threads"), int)]
    return max(counts) if counts else None


def _mapped_openblas_libs():
    """ctypes handles of the OpenBLAS libraries mapped into this process (empty if none)."""
    libs = []
    for info in _from_mapped_openblas() or []:
        if info.get("library") == "openblas":
            try:
                libs.append(ctypes.CDLL(info["path"]))
            except OSError:
                pass
    return libs


def limit_blas_threads(threads):
    """Context manager capping BLAS threads, and whether it could: threadpoolctl when installed, else
    OpenBLAS's own openblas_set_num_threads on every OpenBLAS library mapped into this process."""
    import contextlib

    try:
        import threadpoolctl

        return threadpoolctl.threadpool_limits(limits=threads, user_api="blas"), True
    except ImportError:
        pass
    libs = _mapped_openblas_libs()
    if not libs:
        return contextlib.nullcontext(), False

    @contextlib.contextmanager
    def limited():
        before = [lib.openblas_get_num_threads() for lib in libs]
        for lib in libs:
            lib.openblas_set_num_threads(threads)
        try:
            yield
        finally:
            for lib, n in zip(libs, before):
                lib.openblas_set_num_threads(n)

    return limited(), True
