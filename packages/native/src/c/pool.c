/*
 * The worker threads and the two nine-level queues (ready, done).
 * One mutex guards both queues and the thread counts; `work` wakes idle workers.
 */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define IOAIO_STACK_BYTES (1024 * 1024)
#else
#define IOAIO_STACK_BYTES (256 * 1024) /* Perf: syscalls and readdir need little stack */
#endif

static void list_push(ioaio_list *l, ioaio_req *r) {
  r->next = NULL;
  r->prev = l->tail;
  if (l->tail != NULL) l->tail->next = r;
  else l->head = r;
  l->tail = r;
}

static void list_unlink(ioaio_list *l, ioaio_req *r) {
  if (r->prev != NULL) r->prev->next = r->next;
  else l->head = r->next;
  if (r->next != NULL) r->next->prev = r->prev;
  else l->tail = r->prev;
  r->next = r->prev = NULL;
}

/* Highest priority first, FIFO within a level. */
static ioaio_req *levels_pop(ioaio_list *levels) {
  for (int i = IOAIO_LEVELS - 1; i >= 0; i--) {
    ioaio_req *r = levels[i].head;
    if (r != NULL) {
      list_unlink(&levels[i], r);
      return r;
    }
  }
  return NULL;
}

/*
 * The descriptor aio_close-style closes put over a number they release (IO::AIO's close
 * pipe): a pipe's write end with its read end closed, so a stray read fails with EBADF
 * and a stray write with EPIPE, instead of reaching whatever file took the number.
 */
static int reserve_fd(ioaio_pool *p) {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) return -errno;
  close(ends[0]);
  p->reserved_fd = ends[1];
  return 0;
}

ioaio_pool *pool_create(uv_async_t *async) {
  ioaio_pool *p = calloc(1, sizeof *p);
  if (p == NULL) return NULL;
  if (pthread_mutex_init(&p->lock, NULL) != 0) goto fail_mutex;
  if (pthread_cond_init(&p->work, NULL) != 0) goto fail_cond;
  if (reserve_fd(p) != 0) goto fail_pipe;
  p->async = async;
  p->refs = 1;
  p->target = 4;
  p->max_idle = 4;
  p->idle_timeout_ms = 10000;
  return p;
fail_pipe:
  pthread_cond_destroy(&p->work);
fail_cond:
  pthread_mutex_destroy(&p->lock);
fail_mutex:
  free(p);
  return NULL;
}

static void pool_destroy(ioaio_pool *p) {
  close(p->reserved_fd);
  pthread_cond_destroy(&p->work);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

void pool_push_ready_locked(ioaio_pool *p, ioaio_req *r) {
  r->state = S_QUEUED;
  list_push(&p->ready[r->pri], r);
  p->nready++;
}

void pool_push_done_locked(ioaio_pool *p, ioaio_req *r) {
  r->state = S_DONE;
  list_push(&p->done[r->pri], r);
  /* Perf: only the push that makes the queue non-empty wakes the main thread. */
  if (p->ndone++ == 0 && p->async != NULL) uv_async_send(p->async);
}

int pool_cancel_locked(ioaio_pool *p, ioaio_req *r) {
  if (r->state != S_QUEUED) return 0;
  list_unlink(&p->ready[r->pri], r);
  p->nready--;
  r->result = -ECANCELED;
  pool_push_done_locked(p, r);
  return 1;
}

size_t pool_take_done(ioaio_pool *p, ioaio_req **out, size_t max, int *more) {
  size_t n = 0;
  pthread_mutex_lock(&p->lock);
  while (n < max && p->ndone > 0) {
    out[n++] = levels_pop(p->done);
    p->ndone--;
  }
  *more = p->ndone > 0;
  pthread_mutex_unlock(&p->lock);
  return n;
}

/* Waits for work as an idle thread; 0 when this thread has been idle too long and should go. */
static int wait_idle_locked(ioaio_pool *p) {
  int rc = 0;
  p->nidle++;
  if (p->nidle <= p->max_idle || p->idle_timeout_ms == 0) {
    pthread_cond_wait(&p->work, &p->lock);
  } else {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(p->idle_timeout_ms / 1000);
    until.tv_nsec += (long)(p->idle_timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
    rc = pthread_cond_timedwait(&p->work, &p->lock, &until);
  }
  p->nidle--;
  return !(rc == ETIMEDOUT && p->nready == 0 && p->nidle >= p->max_idle);
}

/* The next request for this worker, or NULL when it should exit. */
static ioaio_req *next_request_locked(ioaio_pool *p) {
  for (;;) {
    if (p->closing || p->nthreads > p->target) return NULL;
    ioaio_req *r = levels_pop(p->ready);
    if (r != NULL) {
      p->nready--;
      p->nrunning++;
      r->state = S_RUNNING;
      return r;
    }
    if (!wait_idle_locked(p)) return NULL;
  }
}

static void finish_locked(ioaio_pool *p, ioaio_req *r) {
  p->nrunning--;
  if (!p->closing) {
    pool_push_done_locked(p, r);
    return;
  }
  /* Invariant: once closing, nobody will deliver this request; its owner is now this worker. */
  req_free_parts(r);
  free(r);
}

static void *worker_main(void *arg) {
  ioaio_pool *p = arg;
  ioaio_req *r = NULL;
  pthread_mutex_lock(&p->lock);
  for (;;) {
    if (r != NULL) finish_locked(p, r);
    r = next_request_locked(p);
    if (r == NULL) break;
    pthread_mutex_unlock(&p->lock);
    req_run(r);
    pthread_mutex_lock(&p->lock);
  }
  p->nthreads--;
  int last = --p->refs == 0;
  pthread_mutex_unlock(&p->lock);
  if (last) pool_destroy(p);
  return NULL;
}

/* Starts one detached worker; it holds a pool reference until it exits. */
static int spawn_locked(ioaio_pool *p) {
  pthread_attr_t attr;
  pthread_t tid;
  sigset_t all, old;
  if (pthread_attr_init(&attr) != 0) return -EAGAIN;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, IOAIO_STACK_BYTES);
  /* Platform: signals belong to the main thread; workers inherit a full mask. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&tid, &attr, worker_main, p);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  if (rc != 0) return -rc;
  p->nthreads++;
  p->refs++;
  return 0;
}

/*
 * Wakes one idle worker per ready request (no more: a broadcast woke every idle thread for a
 * single request, and on a small machine those wake-ups cost more than the requests), and
 * starts new ones while ready work outnumbers them. 0 or -errno.
 */
static int wake_locked(ioaio_pool *p) {
  size_t wake = p->nready < (size_t)p->nidle ? p->nready : (size_t)p->nidle;
  for (size_t i = 0; i < wake; i++) pthread_cond_signal(&p->work);
  size_t waiting = p->nidle;
  while (p->nready > waiting && p->nthreads < p->target) {
    int rc = spawn_locked(p);
    if (rc != 0) return p->nthreads > 0 ? 0 : rc;
    waiting++;
  }
  return 0;
}

int pool_submit(ioaio_pool *p, ioaio_req *list) {
  pthread_mutex_lock(&p->lock);
  while (list != NULL) {
    ioaio_req *next = list->next;
    pool_push_ready_locked(p, list);
    list = next;
  }
  int rc = wake_locked(p);
  pthread_mutex_unlock(&p->lock);
  return rc;
}

int pool_set_threads(ioaio_pool *p, int target) {
  pthread_mutex_lock(&p->lock);
  p->target = target;
  /* Threads above the target see it when woken and exit. */
  pthread_cond_broadcast(&p->work);
  int rc = wake_locked(p);
  pthread_mutex_unlock(&p->lock);
  return rc;
}

void pool_set_idle(ioaio_pool *p, int max_idle, uint64_t idle_timeout_ms) {
  pthread_mutex_lock(&p->lock);
  p->max_idle = max_idle;
  p->idle_timeout_ms = idle_timeout_ms;
  pthread_cond_broadcast(&p->work);
  pthread_mutex_unlock(&p->lock);
}

static void move_all(ioaio_list *levels, ioaio_req **out) {
  ioaio_req *r;
  while ((r = levels_pop(levels)) != NULL) {
    r->next = *out;
    *out = r;
  }
}

ioaio_req *pool_close(ioaio_pool *p) {
  ioaio_req *dropped = NULL;
  pthread_mutex_lock(&p->lock);
  p->closing = 1;
  p->async = NULL;
  move_all(p->ready, &dropped);
  move_all(p->done, &dropped);
  p->nready = p->ndone = 0;
  pthread_cond_broadcast(&p->work);
  int last = --p->refs == 0;
  pthread_mutex_unlock(&p->lock);
  if (last) pool_destroy(p);
  return dropped;
}
