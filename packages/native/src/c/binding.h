/* What the three Node-API files of the addon share: the binding struct and helpers. */
#ifndef IOAIO_BINDING_H
#define IOAIO_BINDING_H

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

/* Tags the external that JavaScript holds, so no other external passes for a pool. */
extern const napi_type_tag kPoolTag;

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

void throw_failure(napi_env env, const char *what);
napi_value throw_errno(napi_env env, int err, const char *what);
void set_busy(binding *b, int busy);
ioaio_req *req_alloc(binding *b);
void req_release(binding *b, ioaio_req *r);
binding *unwrap(napi_env env, napi_value handle);
void *typed_data(napi_env env, napi_value v, size_t *len);
napi_value make_int(napi_env env, int64_t n);
void on_async(uv_async_t *handle);

napi_value js_submit(napi_env env, napi_callback_info info);
napi_value js_cancel(napi_env env, napi_callback_info info);
napi_value js_set_threads(napi_env env, napi_callback_info info);
napi_value js_set_idle(napi_env env, napi_callback_info info);
napi_value js_counters(napi_env env, napi_callback_info info);
napi_value js_mmap(napi_env env, napi_callback_info info);
napi_value js_munmap(napi_env env, napi_callback_info info);
napi_value js_mremap(napi_env env, napi_callback_info info);
napi_value js_mprotect(napi_env env, napi_callback_info info);

#endif
