/*
 * The Node-API face of the pool: staging arrays in, result arrays out, one
 * uv_async handle that delivers finished requests in priority order, in chunks.
 */
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

#define IN_I32 9 /* id, type, pri, fd, int1, int2, path length, path2 length, buffer index */
#define IN_F64 4
#define CHUNK 1024          /* results per JavaScript call: bounds the main thread's pause */
#define MAX_FREE_REQS 4096  /* Perf: recycled request blocks kept after a flood */

/* A failed napi call throws (unless an exception is already pending) and returns NULL. */
#define CALL(env, call)                  \
  do {                                   \
    napi_status s_ = (call);             \
    if (s_ != napi_ok) {                 \
      throw_failure((env), #call);       \
      return NULL;                       \
    }                                    \
  } while (0)

static const napi_type_tag kPoolTag = {0x696f61696f6e6174ULL, 0x69766520706f6f6cULL};

/*
 * One pool as JavaScript sees it. Owner: the main thread; every field is touched
 * only there. The memory lives until both the handle is closed (`close_done`) and
 * the JavaScript external is collected (`js_alive` cleared), whichever is last.
 */
typedef struct binding {
  napi_env env;
  ioaio_pool *pool; /* NULL once closed; the pool itself is reference-counted */
  uv_async_t async;
  napi_async_cleanup_hook_handle hook;
  napi_async_context actx;
  napi_ref on_results, arrays; /* the callback and a JS array holding the five typed arrays */
  int32_t *in_i32;
  double *in_f64;
  int32_t *out_ids;
  double *out_res, *out_st;
  size_t in_cap, out_cap;
  ioaio_req **slots; /* id -> request, from submit to delivery */
  size_t nslots;
  ioaio_req *free_reqs;
  size_t nfree, outstanding;
  int busy; /* requests outstanding: the handle is ref'd and on_results held strongly */
  int closed, close_done, js_alive;
} binding;

static void throw_failure(napi_env env, const char *what) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  const char *msg = info != NULL && info->error_message != NULL ? info->error_message : what;
  napi_throw_error(env, "ERR_IOAIO_NATIVE", msg);
}

static napi_value throw_errno(napi_env env, int err, const char *what) {
  napi_throw_error(env, "ERR_IOAIO_NATIVE", err == ENOMEM ? "out of memory" : what);
  return NULL;
}

/*
 * Invariant: while requests are outstanding the loop is kept alive and the result
 * callback is held strongly; when idle, neither, so an idle process exits and a pool
 * JavaScript dropped can be collected (its finalizer then closes it).
 */
static void set_busy(binding *b, int busy) {
  if (b->busy == busy) return;
  b->busy = busy;
  uint32_t unused;
  if (busy) {
    uv_ref((uv_handle_t *)&b->async);
    napi_reference_ref(b->env, b->on_results, &unused);
  } else {
    uv_unref((uv_handle_t *)&b->async);
    napi_reference_unref(b->env, b->on_results, &unused);
  }
}

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

/* ---- request blocks: recycled on the main thread ---- */

static ioaio_req *req_alloc(binding *b) {
  ioaio_req *r = b->free_reqs;
  if (r == NULL) return malloc(sizeof *r);
  b->free_reqs = r->next;
  b->nfree--;
  return r;
}

static void req_release(binding *b, ioaio_req *r) {
  req_free_parts(r);
  if (b->nfree >= MAX_FREE_REQS) {
    free(r);
    return;
  }
  r->next = b->free_reqs;
  b->free_reqs = r;
  b->nfree++;
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

/* ---- argument helpers ---- */

static binding *unwrap(napi_env env, napi_value handle) {
  bool ok = false;
  void *data = NULL;
  if (napi_check_object_type_tag(env, handle, &kPoolTag, &ok) != napi_ok || !ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "not a native pool handle");
    return NULL;
  }
  CALL(env, napi_get_value_external(env, handle, &data));
  binding *b = data;
  if (b->closed) {
    napi_throw_error(env, "ERR_IOAIO_NATIVE_CLOSED", "the native pool is closed");
    return NULL;
  }
  return b;
}

static void *typed_data(napi_env env, napi_value v, size_t *len) {
  napi_typedarray_type type;
  void *data = NULL;
  napi_value ab;
  size_t offset;
  CALL(env, napi_get_typedarray_info(env, v, &type, len, &data, &ab, &offset));
  return data;
}

static napi_value make_int(napi_env env, int64_t n) {
  napi_value v;
  CALL(env, napi_create_int64(env, n, &v));
  return v;
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
  if (r->num[0] < 0 || r->num[1] < 0 || r->num[0] + r->num[1] > (double)len) return -ERANGE;
  r->buf = data;
  return 0;
}

/* Builds request `i` of the staging arrays; the path cursor advances past its bytes. */
static int build_req(binding *b, ioaio_req *r, size_t i, const uint8_t **cursor, const uint8_t *end,
                     napi_value buffers) {
  const int32_t *in = b->in_i32 + i * IN_I32;
  memset(r, 0, offsetof(ioaio_req, out));
  r->id = in[0], r->type = in[1], r->pri = in[2], r->fd = in[3], r->int1 = in[4], r->int2 = in[5];
  memcpy(r->num, b->in_f64 + i * IN_F64, sizeof r->num);
  r->result = -ECANCELED;
  if (r->type < 0 || r->type >= T_COUNT || r->pri < 0 || r->pri >= IOAIO_LEVELS) return -EINVAL;
  /* Invariant: both paths lie inside the bytes JavaScript handed over. */
  size_t path_bytes = (size_t)(in[6] > 0 ? in[6] : 0) + (size_t)(in[7] > 0 ? in[7] : 0);
  if (path_bytes > (size_t)(end - *cursor)) return -EINVAL;
  if (copy_path(&r->path, r->out.inline_path, *cursor, in[6]) != 0) return -ENOMEM;
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
static napi_value js_submit(napi_env env, napi_callback_info info) {
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
static napi_value js_cancel(napi_env env, napi_callback_info info) {
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
static napi_value js_set_threads(napi_env env, napi_callback_info info) {
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
static napi_value js_set_idle(napi_env env, napi_callback_info info) {
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
static napi_value js_counters(napi_env env, napi_callback_info info) {
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

/* ---- delivery ---- */

static napi_value dir_buffer(napi_env env, ioaio_req *r) {
  napi_value buf;
  void *unused;
  CALL(env, napi_create_buffer_copy(env, r->out.dir.len, r->out.dir.data, &unused, &buf));
  return buf;
}

/* Copies one chunk into the result arrays; readdir listings go into `extras`. */
static int fill_chunk(binding *b, ioaio_req **taken, size_t n, napi_value *extras) {
  napi_env env = b->env;
  for (size_t i = 0; i < n; i++) {
    ioaio_req *r = taken[i];
    b->out_ids[i] = r->id;
    b->out_res[i] = r->result;
    if ((r->type == T_STAT || r->type == T_LSTAT || r->type == T_FSTAT) && r->result >= 0)
      memcpy(b->out_st + i * IOAIO_STAT_FIELDS, r->out.st, sizeof r->out.st);
    if (r->type == T_READDIR && r->result >= 0) {
      if (*extras == NULL && napi_create_array_with_length(env, n, extras) != napi_ok) return -1;
      napi_value buf = dir_buffer(env, r);
      if (buf == NULL || napi_set_element(env, *extras, (uint32_t)i, buf) != napi_ok) return -1;
    }
  }
  return 0;
}

static void release_chunk(binding *b, ioaio_req **taken, size_t n) {
  for (size_t i = 0; i < n; i++) {
    b->slots[taken[i]->id] = NULL;
    req_release(b, taken[i]);
  }
  b->outstanding -= n;
}

/* A failure here has no JavaScript caller: it becomes an uncaught exception. */
static void raise_uncaught(napi_env env, const char *what) {
  napi_value err;
  throw_failure(env, what);
  if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
}

static void call_js(binding *b, size_t n, napi_value extras) {
  napi_env env = b->env;
  napi_value fn, global, argv[2], unused;
  if (napi_get_reference_value(env, b->on_results, &fn) != napi_ok || fn == NULL ||
      napi_get_global(env, &global) != napi_ok || napi_get_undefined(env, &argv[1]) != napi_ok) {
    raise_uncaught(env, "cannot reach the result callback");
    return;
  }
  argv[0] = make_int(env, (int64_t)n);
  if (extras != NULL) argv[1] = extras;
  /* Invariant: the receiver is the global object; undefined would leave a pending exception. */
  if (napi_make_callback(env, b->actx, global, fn, 2, argv, &unused) != napi_ok) {
    napi_value err;
    if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
  }
}

static void on_async(uv_async_t *handle) {
  binding *b = handle->data;
  ioaio_req *taken[CHUNK];
  int more = 0;
  if (b->closed) return;
  size_t n = pool_take_done(b->pool, taken, b->out_cap < CHUNK ? b->out_cap : CHUNK, &more);
  if (n > 0) {
    napi_handle_scope scope;
    napi_value extras = NULL;
    napi_open_handle_scope(b->env, &scope);
    if (fill_chunk(b, taken, n, &extras) != 0) raise_uncaught(b->env, "cannot build a readdir result");
    release_chunk(b, taken, n);
    call_js(b, n, extras);
    /* After the call, which may have submitted more (or closed the pool). */
    if (!b->closed && b->outstanding == 0) set_busy(b, 0);
    napi_close_handle_scope(b->env, scope);
  }
  /* Perf: one chunk per loop turn, so timers and I/O run between chunks of a flood. */
  if (more && !b->closed) uv_async_send(&b->async);
}

/* ---- lifetime ---- */

static void free_binding_memory(binding *b) {
  while (b->free_reqs != NULL) {
    ioaio_req *next = b->free_reqs->next;
    free(b->free_reqs);
    b->free_reqs = next;
  }
  free(b->slots);
  free(b);
}

static void on_closed(uv_handle_t *handle) {
  binding *b = handle->data;
  b->close_done = 1;
  napi_remove_async_cleanup_hook(b->hook);
  if (!b->js_alive) free_binding_memory(b);
}

/* Stops the pool: queued and finished requests are dropped, running ones finish on their own. */
static void binding_close(binding *b) {
  if (b->closed) return;
  b->closed = 1;
  ioaio_req *dropped = pool_close(b->pool);
  b->pool = NULL;
  while (dropped != NULL) {
    ioaio_req *next = dropped->next;
    req_free_parts(dropped);
    free(dropped);
    dropped = next;
  }
  napi_delete_reference(b->env, b->on_results);
  napi_delete_reference(b->env, b->arrays);
  napi_async_destroy(b->env, b->actx);
  uv_close((uv_handle_t *)&b->async, on_closed);
}

static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  (void)handle;
  binding_close(arg);
}

static void on_external_gone(napi_env env, void *data, void *hint) {
  (void)env, (void)hint;
  binding *b = data;
  b->js_alive = 0;
  binding_close(b);
  if (b->close_done) free_binding_memory(b);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool ok = false;
  CALL(env, napi_check_object_type_tag(env, argv[0], &kPoolTag, &ok));
  if (!ok) return throw_errno(env, EINVAL, "not a native pool handle");
  CALL(env, napi_get_value_external(env, argv[0], &data));
  binding_close(data);
  return NULL;
}

/* ---- create ---- */

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Takes the five typed arrays: staging (Int32, Float64) and results (ids, values, stat fields). */
static napi_value take_arrays(napi_env env, binding *b, napi_value *argv) {
  size_t n_i32, n_f64, n_ids, n_res, n_st;
  napi_value holder;
  b->in_i32 = typed_data(env, argv[0], &n_i32);
  b->in_f64 = typed_data(env, argv[1], &n_f64);
  b->out_ids = typed_data(env, argv[2], &n_ids);
  b->out_res = typed_data(env, argv[3], &n_res);
  b->out_st = typed_data(env, argv[4], &n_st);
  if (!b->in_i32 || !b->in_f64 || !b->out_ids || !b->out_res || !b->out_st)
    return throw_errno(env, EINVAL, "create needs five non-empty typed arrays");
  b->in_cap = min_size(n_i32 / IN_I32, n_f64 / IN_F64);
  b->out_cap = min_size(min_size(n_ids, n_res), n_st / IOAIO_STAT_FIELDS);
  if (b->out_cap == 0) return throw_errno(env, EINVAL, "result arrays too small");
  CALL(env, napi_create_array_with_length(env, 5, &holder));
  for (uint32_t i = 0; i < 5; i++) CALL(env, napi_set_element(env, holder, i, argv[i]));
  CALL(env, napi_create_reference(env, holder, 1, &b->arrays));
  return holder;
}

/* Undoes a create that failed before the handle existed. */
static void abandon(napi_env env, binding *b) {
  if (b->on_results != NULL) napi_delete_reference(env, b->on_results);
  if (b->arrays != NULL) napi_delete_reference(env, b->arrays);
  if (b->actx != NULL) napi_async_destroy(env, b->actx);
  free(b);
}

static void on_failed_close(uv_handle_t *handle) { free(handle->data); }

/* The async handle and the pool. 0, or -errno with `b` already released. */
static int start_loop_side(napi_env env, binding *b) {
  struct uv_loop_s *loop = NULL;
  napi_value name;
  if (napi_create_string_utf8(env, "ioaio:native", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, NULL, name, &b->actx) != napi_ok || napi_get_uv_event_loop(env, &loop) != napi_ok ||
      uv_async_init(loop, &b->async, on_async) != 0) {
    abandon(env, b);
    return -EIO;
  }
  b->async.data = b;
  uv_unref((uv_handle_t *)&b->async);
  b->pool = pool_create(&b->async);
  if (b->pool != NULL) return 0;
  napi_delete_reference(env, b->on_results);
  napi_delete_reference(env, b->arrays);
  napi_async_destroy(env, b->actx);
  uv_close((uv_handle_t *)&b->async, on_failed_close);
  return -ENOMEM;
}

/* create(threads, inI32, inF64, outIds, outRes, outStat, onResults): a pool handle. */
static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7], external;
  int32_t threads = 0;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CALL(env, napi_get_value_int32(env, argv[0], &threads));
  binding *b = calloc(1, sizeof *b);
  if (b == NULL) return throw_errno(env, ENOMEM, "out of memory");
  b->env = env;
  /* Weak while idle (see set_busy). */
  if (take_arrays(env, b, argv + 1) == NULL || napi_create_reference(env, argv[6], 0, &b->on_results) != napi_ok) {
    abandon(env, b);
    return NULL;
  }
  int rc = start_loop_side(env, b);
  if (rc != 0) return throw_errno(env, -rc, "cannot set up the native pool");
  CALL(env, napi_create_external(env, b, on_external_gone, NULL, &external));
  b->js_alive = 1;
  CALL(env, napi_type_tag_object(env, external, &kPoolTag));
  CALL(env, napi_add_async_cleanup_hook(env, on_env_cleanup, b, &b->hook));
  pool_set_threads(b->pool, threads < 0 ? 0 : threads);
  return external;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"create", NULL, js_create, NULL, NULL, NULL, napi_default, NULL},
    {"submit", NULL, js_submit, NULL, NULL, NULL, napi_default, NULL},
    {"cancel", NULL, js_cancel, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, js_set_threads, NULL, NULL, NULL, napi_default, NULL},
    {"setIdle", NULL, js_set_idle, NULL, NULL, NULL, napi_default, NULL},
    {"counters", NULL, js_counters, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
  };
  CALL(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  napi_value layout;
  CALL(env, napi_create_object(env, &layout));
  const char *names[] = {"i32PerRequest", "f64PerRequest", "statFields", "chunk", "types"};
  const int64_t values[] = {IN_I32, IN_F64, IOAIO_STAT_FIELDS, CHUNK, T_COUNT};
  for (size_t i = 0; i < 5; i++) CALL(env, napi_set_named_property(env, layout, names[i], make_int(env, values[i])));
  CALL(env, napi_set_named_property(env, exports, "layout", layout));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
