/*
 * The Node-API face of the pool, part one: shared helpers and delivery (one uv_async
 * handle that hands finished requests to JavaScript in priority order, in chunks).
 */
#include "binding.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const napi_type_tag kPoolTag = {0x696f61696f6e6174ULL, 0x69766520706f6f6cULL};

void throw_failure(napi_env env, const char *what) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  const char *msg = info != NULL && info->error_message != NULL ? info->error_message : what;
  napi_throw_error(env, "ERR_IOAIO_NATIVE", msg);
}

napi_value throw_errno(napi_env env, int err, const char *what) {
  napi_throw_error(env, "ERR_IOAIO_NATIVE", err == ENOMEM ? "out of memory" : what);
  return NULL;
}

/*
 * Invariant: while requests are outstanding the loop is kept alive and the result
 * callback is held strongly; when idle, neither, so an idle process exits and a pool
 * JavaScript dropped can be collected (its finalizer then closes it).
 */
void set_busy(binding *b, int busy) {
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

/* ---- request blocks: recycled on the main thread ---- */

ioaio_req *req_alloc(binding *b) {
  ioaio_req *r = b->free_reqs;
  if (r == NULL) return malloc(sizeof *r);
  b->free_reqs = r->next;
  b->nfree--;
  return r;
}

void req_release(binding *b, ioaio_req *r) {
  req_free_parts(r);
  if (b->nfree >= MAX_FREE_REQS) {
    free(r);
    return;
  }
  r->next = b->free_reqs;
  b->free_reqs = r;
  b->nfree++;
}

/* ---- argument helpers ---- */

binding *unwrap(napi_env env, napi_value handle) {
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

void *typed_data(napi_env env, napi_value v, size_t *len) {
  napi_typedarray_type type;
  void *data = NULL;
  napi_value ab;
  size_t offset;
  CALL(env, napi_get_typedarray_info(env, v, &type, len, &data, &ab, &offset));
  return data;
}

napi_value make_int(napi_env env, int64_t n) {
  napi_value v;
  CALL(env, napi_create_int64(env, n, &v));
  return v;
}

/* ---- delivery ---- */

static napi_value dir_buffer(napi_env env, ioaio_req *r) {
  napi_value buf;
  void *unused;
  CALL(env, napi_create_buffer_copy(env, r->u.dir.len, r->u.dir.data, &unused, &buf));
  return buf;
}

/* A fiemap result: a Float64Array of (logical, physical, length, flags) per extent. */
static napi_value extents_array(napi_env env, ioaio_req *r) {
  napi_value ab, arr;
  void *data = NULL;
  CALL(env, napi_create_arraybuffer(env, r->u.dir.len, &data, &ab));
  if (r->u.dir.len > 0) memcpy(data, r->u.dir.data, r->u.dir.len);
  CALL(env, napi_create_typedarray(env, napi_float64_array, r->u.dir.len / sizeof(double), ab, 0, &arr));
  return arr;
}

/* Puts a request's result bytes into `extras[i]`, made on first use. 0, or -1 with an exception. */
static int put_extra(napi_env env, ioaio_req *r, size_t i, size_t n, napi_value *extras) {
  if (*extras == NULL && napi_create_array_with_length(env, n, extras) != napi_ok) return -1;
  napi_value v = r->type == T_READDIR ? dir_buffer(env, r) : extents_array(env, r);
  if (v == NULL || napi_set_element(env, *extras, (uint32_t)i, v) != napi_ok) return -1;
  return 0;
}

/* Copies one chunk into the result arrays; readdir listings and fiemap extents go into `extras`. */
static int fill_chunk(binding *b, ioaio_req **taken, size_t n, napi_value *extras) {
  napi_env env = b->env;
  for (size_t i = 0; i < n; i++) {
    ioaio_req *r = taken[i];
    b->out_ids[i] = r->id;
    b->out_res[i] = r->result;
    if ((r->type == T_STAT || r->type == T_LSTAT || r->type == T_FSTAT) && r->result >= 0)
      memcpy(b->out_st + i * IOAIO_STAT_FIELDS, r->u.st, sizeof r->u.st);
    if (req_has_blob(r) && put_extra(env, r, i, n, extras) != 0) return -1;
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

void on_async(uv_async_t *handle) {
  binding *b = handle->data;
  ioaio_req *taken[CHUNK];
  int more = 0;
  if (b->closed) return;
  size_t n = pool_take_done(b->pool, taken, b->out_cap < CHUNK ? b->out_cap : CHUNK, &more);
  if (n > 0) {
    napi_handle_scope scope;
    napi_value extras = NULL;
    napi_open_handle_scope(b->env, &scope);
    if (fill_chunk(b, taken, n, &extras) != 0) raise_uncaught(b->env, "cannot build a readdir or fiemap result");
    release_chunk(b, taken, n);
    call_js(b, n, extras);
    /* After the call, which may have submitted more (or closed the pool). */
    if (!b->closed && b->outstanding == 0) set_busy(b, 0);
    napi_close_handle_scope(b->env, scope);
  }
  /* Perf: one chunk per loop turn, so timers and I/O run between chunks of a flood. */
  if (more && !b->closed) uv_async_send(&b->async);
}
