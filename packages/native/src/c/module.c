/* The Node-API face of the pool, part three: create, close, lifetime, module init. */
#include "binding.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
    {"mmap", NULL, js_mmap, NULL, NULL, NULL, napi_default, NULL},
    {"munmap", NULL, js_munmap, NULL, NULL, NULL, napi_default, NULL},
    {"mremap", NULL, js_mremap, NULL, NULL, NULL, napi_default, NULL},
    {"mprotect", NULL, js_mprotect, NULL, NULL, NULL, napi_default, NULL},
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
