"""gunicorn settings for the API (the Procfile runs `gunicorn --config server/gunicorn_conf.py
"server:create_app()"`). Every value can be changed through the environment:

    PORT                        port to bind on 0.0.0.0 (default 5000)
    DISCOGS_RECS_WORKERS        worker processes (default: WEB_CONCURRENCY, else one per core)
    DISCOGS_RECS_THREADS        threads per worker (default 1: sync workers; >1: gthread)
    DISCOGS_RECS_FAISS_THREADS  OpenMP threads FAISS may use per worker (default 1)
    DISCOGS_RECS_TIMEOUT        seconds before a stuck worker is restarted (default 30)
    DISCOGS_RECS_ACCESS_LOG     "-" for an access log on stdout (default: none)
    DISCOGS_RECS_ACCESS_LOG_FORMAT  its lines, in gunicorn's access_log_format codes, e.g.
                                '%(p)s %(s)s "%(r)s" %(M)sms' (worker pid, status, request, time)
    DISCOGS_RECS_INDEX_DIR      the index folder (read by the app, see server/config.py)

Workers: the work is CPU-bound numpy/FAISS, so one process per core and one FAISS
thread each beat more threads fighting for the same cores. The app is preloaded: the
index is read once in the master and the workers share its pages after fork.
New builds published into the index folder are picked up by every worker on its own
(a stat of manifest.json, at most once a second); `kill -HUP` on the master also
restarts the workers gracefully.
"""
import multiprocessing
import os

# numpy's OpenBLAS would start a thread per core in every worker; the workers already
# use every core, and small matrix products run several times faster single-threaded.
# Set before the app (and numpy) is imported by preload_app.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", os.environ.get("DISCOGS_RECS_FAISS_THREADS", "1"))

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("DISCOGS_RECS_WORKERS")
              or os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count())
threads = int(os.environ.get("DISCOGS_RECS_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
timeout = int(os.environ.get("DISCOGS_RECS_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
accesslog = os.environ.get("DISCOGS_RECS_ACCESS_LOG") or None
if os.environ.get("DISCOGS_RECS_ACCESS_LOG_FORMAT"):
    access_log_format = os.environ["DISCOGS_RECS_ACCESS_LOG_FORMAT"]
errorlog = "-"
loglevel = os.environ.get("DISCOGS_RECS_LOG_LEVEL", "info")


def post_fork(server, worker):
    # One BLAS and one OpenMP thread per worker, set again here because the environment
    # above comes too late for `discogs-recs serve`, which has imported numpy (and
    # started its OpenBLAS with a thread per core) before it reads this file. A BLAS
    # thread spinning in one worker took the core of the other: at 10M albums a
    # 100-album collection's p99 over HTTP was 66-88 ms with two workers, 36 with one.
    import faiss

    from server.cli import single_threaded_blas

    single_threaded_blas()
    faiss.omp_set_num_threads(int(os.environ.get("DISCOGS_RECS_FAISS_THREADS", "1")))
