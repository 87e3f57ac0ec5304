/* The Node-API face of the pool, part two: submit, cancel and the pool controls. */
#include "binding.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Nothing of the batch was queued: JavaScript completes its requests with `rc` (-errno). */
static napi_value throw_refused(napi_env env, int rc) {
  napi_value code, msg, err, num;
  CALL(env, napi_create_string_utf8(env, "ERR_IOAIO_NATIVE_REFUSED", NAPI_AUTO_LENGTH, &code));
  CALL(env, napi_create_string_utf8(env, "the native pool refused a batch", NAPI_AUTO_LENGTH, &msg));
  CALL(env, napi_create_error(env, code, msg, &err));
  CALL(env, napi_create_int32(env, rc, &num));
  CALL(env, napi_set_named_property(env, err, "errno", num));
  napi_throw(env, err);
  return NULL;
}

static int copy_path(char **dst, char *inline_buf, const uint8_t *src, int32_t len) {
  if (len < 0) {
    *dst = NULL;
    return 0;
  }
  char *to = inline_buf != NULL && len < IOAIO_INLINE_PATH ? inline_buf : malloc((size_t)len + 1);
  if (to == NULL) return -ENOMEM;
  memcpy(to, src, (size_t)len);
  to[len] = '\0';
  *dst = to;
  return 0;
}

static int ensure_slot(binding *b, int32_t id) {
  if ((size_t)id < b->nslots) return 0;
  size_t n = b->nslots ? b->nslots : 1024;
  while (n <= (size_t)id) n *= 2;
  ioaio_req **grown = realloc(b->slots, n * sizeof *grown);
  if (grown == NULL) return -ENOMEM;
  memset(grown + b->nslots, 0, (n - b->nslots) * sizeof *grown);
  b->slots = grown;
  b->nslots = n;
  return 0;
}

/* ---- submit ---- */

/* The caller Buffer of a read or write, checked against the request's range. */
static int attach_buffer(napi_env env, ioaio_req *r, napi_value buffers, int32_t index) {
  napi_value v;
  size_t len = 0;
  if (index < 0) return 0;
  if (napi_get_element(env, buffers, (uint32_t)index, &v) != napi_ok) return -EINVAL;
  char *data = typed_data(env, v, &len);
  if (data == NULL && len != 0) return -EINVAL;
  const double *num = r->u.in.p.num;
  if (num[0] < 0 || num[1] < 0 || num[0] + num[1] > (double)len) return -ERANGE;
  r->u.in.p.buf = data;
  return 0;
}

/* Builds request `i` of the staging arrays; the path cursor advances past its bytes. */
static int build_req(binding *b, ioaio_req *r, size_t i, const uint8_t **cursor, const uint8_t *end,
                     napi_value buffers) {
  const int32_t *in = b->in_i32 + i * IN_I32;
  memset(r, 0, offsetof(ioaio_req, u));
  r->id = in[0];
  r->result = -ECANCELED;
  if (in[1] < 0 || in[1] >= T_COUNT || in[2] < 0 || in[2] >= IOAIO_LEVELS) return -EINVAL;
  r->type = (uint8_t)in[1], r->pri = (uint8_t)in[2];
  ioaio_params *p = &r->u.in.p;
  p->fd = in[3], p->int1 = in[4], p->int2 = in[5], p->buf = NULL;
  memcpy(p->num, b->in_f64 + i * IN_F64, sizeof p->num);
  /* Invariant: only C names the reserved descriptor, and only C marks a number as reserved. */
  if (r->type == T_CLOSE_RESERVED) p->int1 = 0, p->int2 = b->pool->reserved_fd;
  /* Invariant: both paths lie inside the bytes JavaScript handed over. */
  size_t path_bytes = (size_t)(in[6] > 0 ? in[6] : 0) + (size_t)(in[7] > 0 ? in[7] : 0);
  if (path_bytes > (size_t)(end - *cursor)) return -EINVAL;
  if (copy_path(&r->path, r->u.in.inline_path, *cursor, in[6]) != 0) return -ENOMEM;
  *cursor += in[6] > 0 ? in[6] : 0;
  if (copy_path(&r->path2, NULL, *cursor, in[7]) != 0) return -ENOMEM;
  *cursor += in[7] > 0 ? in[7] : 0;
  return attach_buffer(b->env, r, buffers, in[8]);
}

static void free_list(binding *b, ioaio_req *list) {
  while (list != NULL) {
    ioaio_req *next = list->next;
    b->slots[list->id] = NULL;
    req_release(b, list);
    list = next;
  }
}

/* Builds `count` staged requests into a list; on failure frees what it built. */
static int build_batch(binding *b, size_t count, const uint8_t *paths, size_t path_len, napi_value buffers,
                       ioaio_req **out) {
  ioaio_req *head = NULL, **tail = &head;
  const uint8_t *cursor = paths, *end = paths + path_len;
  int rc = 0;
  for (size_t i = 0; i < count && rc == 0; i++) {
    int32_t id = b->in_i32[i * IN_I32];
    ioaio_req *r = id < 0 ? NULL : req_alloc(b);
    if (r == NULL || ensure_slot(b, id) != 0) {
      free(r);
      rc = id < 0 ? -EINVAL : -ENOMEM;
      break;
    }
    rc = build_req(b, r, i, &cursor, end, buffers);
    b->slots[r->id] = r;
    *tail = r;
    tail = &r->next;
    r->next = NULL;
  }
  if (rc != 0) free_list(b, head);
  *out = rc == 0 ? head : NULL;
  return rc;
}

/* submit(handle, count, pathBytes, buffers): queues the staged requests. */
napi_value js_submit(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  uint32_t count = 0;
  size_t path_len = 0;
  ioaio_req *list = NULL;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  binding *b = unwrap(env, argv[0]);
  if (b == NULL) return NULL;
  CALL(env, napi_get_value_uint32(env, argv[1], &count));
  const uint8_t *paths = typed_data(env, argv[2], &path_len);
  if (count > b->in_cap) return throw_errno(env, EINVAL, "batch larger than the staging arrays");
  int rc = build_batch(b, count, paths, path_len, argv[3], &list);
  if (rc != 0) return throw_refused(env, rc);
  b->outstanding += count;
  if (count > 0) set_busy(b, 1);
  rc = pool_submit(b->pool, list);
  if (rc != 0) return throw_errno(env, -rc, "cannot start a worker thread");
  return NULL;
}

/* cancel(handle, id): true when the request was still queued (it then completes with ECANCELED). */
napi_value js_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  int32_t id = -1;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  binding *b = unwrap(env, argv[0]);
  if (b == NULL) return NULL;
  CALL(env, napi_get_value_int32(env, argv[1], &id));
  ioaio_req *r = id >= 0 && (size_t)id < b->nslots ? b->slots[id] : NULL;
  int done = 0;
  if (r != NULL) {
    pthread_mutex_lock(&b->pool->lock);
    done = pool_cancel_locked(b->pool, r);
    pthread_mutex_unlock(&b->pool->lock);
  }
  CALL(env, napi_get_boolean(env, done, &out));
  return out;
}

/* setThreads(handle, n): the most threads that may run requests (IO::AIO's max_parallel). */
napi_value js_set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t n = 0;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  binding *b = unwrap(env, argv[0]);
  if (b == NULL) return NULL;
  CALL(env, napi_get_value_int32(env, argv[1], &n));
  int rc = pool_set_threads(b->pool, n < 0 ? 0 : n);
  if (rc != 0) return throw_errno(env, -rc, "cannot start a worker thread");
  return NULL;
}

/* setIdle(handle, maxIdle, idleTimeoutMs): IO::AIO's max_idle and idle_timeout. */
napi_value js_set_idle(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t max_idle = 0;
  double timeout_ms = 0;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  binding *b = unwrap(env, argv[0]);
  if (b == NULL) return NULL;
  CALL(env, napi_get_value_int32(env, argv[1], &max_idle));
  CALL(env, napi_get_value_double(env, argv[2], &timeout_ms));
  pool_set_idle(b->pool, max_idle < 0 ? 0 : max_idle, timeout_ms > 0 ? (uint64_t)timeout_ms : 0);
  return NULL;
}

/* counters(handle, out: Float64Array(6)): ready, running, done, threads, idle, target. */
napi_value js_counters(napi_env env, napi_callback_info info) {
  size_t argc = 2, len = 0;
  napi_value argv[2];
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  binding *b = unwrap(env, argv[0]);
  if (b == NULL) return NULL;
  double *out = typed_data(env, argv[1], &len);
  if (out == NULL || len < 6) return throw_errno(env, EINVAL, "counters needs a Float64Array(6)");
  ioaio_pool *p = b->pool;
  pthread_mutex_lock(&p->lock);
  out[0] = (double)p->nready, out[1] = (double)p->nrunning, out[2] = (double)p->ndone;
  out[3] = p->nthreads, out[4] = p->nidle, out[5] = p->target;
  pthread_mutex_unlock(&p->lock);
  return NULL;
}
