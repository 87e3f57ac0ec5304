/* The request pool shared by the binding (main thread) and the worker threads. */
#ifndef IOAIO_POOL_H
#define IOAIO_POOL_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define IOAIO_LEVELS 9        /* priorities -4..4 stored as 0..8 */
#define IOAIO_STAT_FIELDS 18  /* doubles per stat result, Node's own order */
#define IOAIO_INLINE_PATH (IOAIO_STAT_FIELDS * 8 - 56) /* Perf: most paths fit, no malloc */

/* Request types: the numbering is shared with src/ops.ts. */
enum ioaio_type {
  T_NOP, T_STAT, T_LSTAT, T_FSTAT, T_OPEN, T_CLOSE, T_READ, T_WRITE, T_READDIR,
  T_LSEEK, T_FALLOCATE, T_RENAME2, T_SYNC, T_SYNCFS, T_FSYNC, T_FDATASYNC,
  T_SYNC_FILE_RANGE, T_READAHEAD, T_SENDFILE, T_UTIMENSAT, T_FUTIMENS, T_MKNOD,
  T_UNLINK, T_MKDIR, T_RMDIR, T_FIEMAP, T_CLOSE_RESERVED, T_COPY_RANGE,
  T_FCNTL, T_IOCTL, T_FADVISE, T_SPLICE, T_TEE, T_MLOCKALL, T_MUNLOCKALL, T_MIN_FDLIMIT,
  T_MSYNC, T_MTOUCH, T_MLOCK, T_MUNLOCK, T_MADVISE, T_COUNT
};

enum ioaio_state { S_QUEUED, S_RUNNING, S_DONE };

/* What a request needs only until its system call ran. */
typedef struct ioaio_params {
  int32_t fd, int1, int2;
  double num[4];
  char *buf;
} ioaio_params;

/*
 * One request. Owner: the main thread builds it (submit) and frees it (delivery);
 * between those, the pool lock owns the links and the state; the worker that took
 * it (state S_RUNNING) owns the result fields until it pushes it to the done queue.
 * `u.in.buf` points into a caller Buffer that JavaScript keeps alive until delivery.
 */
typedef struct ioaio_req {
  struct ioaio_req *next, *prev; /* ready or done queue links, under pool->lock */
  int32_t id;
  uint8_t type, pri, state;
  double result;      /* >= 0, or -errno */
  char *path, *path2; /* path may point at u.in.inline_path; path2 is malloc'd or NULL */
  /*
   * Perf: the parameters, a short path and the result share memory (192 bytes a request,
   * not 256): a request reads its parameters and path only before it writes a result
   * (statx fills a local struct first).
   */
  union {
    struct {
      ioaio_params p;
      char inline_path[IOAIO_INLINE_PATH];
    } in;
    double st[IOAIO_STAT_FIELDS];
    struct { char *data; size_t len; } dir; /* readdir, fiemap: malloc'd result bytes */
  } u;
} ioaio_req;

_Static_assert(sizeof(ioaio_params) + IOAIO_INLINE_PATH == sizeof(double) * IOAIO_STAT_FIELDS,
               "the parameters and the inline path fill exactly the bytes of a stat result");

typedef struct { ioaio_req *head, *tail; } ioaio_list;

/*
 * The pool. Owner of the memory: the reference count (the binding holds one
 * reference, each worker thread one); whoever drops the last frees it, so a
 * worker stuck in open() on a FIFO outlives its JavaScript environment safely.
 * Every field below `lock` is guarded by `lock`, except `reserved_fd` (never changes).
 */
typedef struct ioaio_pool {
  pthread_mutex_t lock;
  pthread_cond_t work; /* signalled: requests became ready, a setting changed, closing */
  ioaio_list ready[IOAIO_LEVELS];
  ioaio_list done[IOAIO_LEVELS];
  uv_async_t *async; /* wakes the main thread; NULL once closing */
  int reserved_fd; /* set at create, read without the lock: the write end of a pipe whose read end is closed */
  int refs, closing;
  int nthreads, target, nidle, max_idle;
  uint64_t idle_timeout_ms;
  size_t nready, nrunning, ndone;
} ioaio_pool;

ioaio_pool *pool_create(uv_async_t *async);
/* Main thread: marks the pool closing, hands back every queued and finished request. */
ioaio_req *pool_close(ioaio_pool *p);
/* Main thread: queues a list linked by `next` under one lock and one wake-up. 0 or -errno. */
int pool_submit(ioaio_pool *p, ioaio_req *list);
int pool_set_threads(ioaio_pool *p, int target);
void pool_set_idle(ioaio_pool *p, int max_idle, uint64_t idle_timeout_ms);
/* Caller holds the lock. */
void pool_push_ready_locked(ioaio_pool *p, ioaio_req *r);
void pool_push_done_locked(ioaio_pool *p, ioaio_req *r);
int pool_cancel_locked(ioaio_pool *p, ioaio_req *r);
size_t pool_take_done(ioaio_pool *p, ioaio_req **out, size_t max, int *more);

/* A system call's return value, or -errno (the value every request completes with). */
static inline double ioaio_result(int64_t rc) { return rc < 0 ? (double)-errno : (double)rc; }
#define RESULT(expr) ioaio_result((int64_t)(expr))

void req_free_parts(ioaio_req *r);
void req_run(ioaio_req *r);
/* The requests of ops_fd.c (fiemap and later ones); -ENOSYS for a type it does not know. */
double run_fd_request(ioaio_req *r);
/* int1 of a T_CLOSE_RESERVED request once its number points at the reserved descriptor. */
#define CLOSE_NUMBER_HELD 1
/* The requests of ops_mem.c on caller memory (msync, mtouch, mlock, munlock, madvise). */
double run_mem_request(ioaio_req *r);
/* True when a finished request carries a malloc'd result in u.dir (readdir, fiemap). */
int req_has_blob(const ioaio_req *r);

#endif
