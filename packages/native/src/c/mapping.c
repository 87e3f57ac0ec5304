/*
 * Memory mappings for JavaScript (IO::AIO's mmap/munmap helpers), made on the main
 * thread: an external ArrayBuffer over the mapping whose finalizer unmaps it, unless an
 * explicit munmap did so first (detaching the buffer, so JavaScript never touches
 * unmapped memory and nothing unmaps twice).
 */
#include "binding.h"

#include <sys/mman.h>

/*
 * One mapping. Owner: the ArrayBuffer's finalizer frees it; `unmapped` is set by an
 * explicit munmap. Main thread only.
 */
typedef struct mapping {
  void *addr;
  size_t len;
  int unmapped;
} mapping;

static void on_buffer_gone(napi_env env, void *data, void *hint) {
  (void)env, (void)data;
  mapping *m = hint;
  if (!m->unmapped) munmap(m->addr, m->len);
  free(m);
}

/* mmap(length, prot, flags, fd, offset): [arrayBuffer, handle], or a negative errno. */
napi_value js_mmap(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], ab, handle, out;
  double length = 0, offset = 0;
  int32_t prot = 0, flags = 0, fd = -1;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CALL(env, napi_get_value_double(env, argv[0], &length));
  CALL(env, napi_get_value_int32(env, argv[1], &prot));
  CALL(env, napi_get_value_int32(env, argv[2], &flags));
  CALL(env, napi_get_value_int32(env, argv[3], &fd));
  CALL(env, napi_get_value_double(env, argv[4], &offset));
  mapping *m = calloc(1, sizeof *m);
  if (m == NULL) return make_int(env, -ENOMEM);
  m->len = (size_t)length;
  m->addr = mmap(NULL, m->len, prot, flags, fd, (off_t)offset);
  if (m->addr == MAP_FAILED) {
    int err = errno;
    free(m);
    return make_int(env, -err);
  }
  if (napi_create_external_arraybuffer(env, m->addr, m->len, on_buffer_gone, m, &ab) != napi_ok) {
    munmap(m->addr, m->len);
    free(m);
    throw_failure(env, "cannot wrap a mapping in an ArrayBuffer");
    return NULL;
  }
  /* Invariant: the handle is used only while JavaScript still holds `ab`, so `m` is alive. */
  CALL(env, napi_create_external(env, m, NULL, NULL, &handle));
  CALL(env, napi_create_array_with_length(env, 2, &out));
  CALL(env, napi_set_element(env, out, 0, ab));
  CALL(env, napi_set_element(env, out, 1, handle));
  return out;
}

/* munmap(arrayBuffer, handle): detaches the buffer, then unmaps. 0 or a negative errno. */
napi_value js_munmap(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void *data = NULL;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CALL(env, napi_get_value_external(env, argv[1], &data));
  mapping *m = data;
  if (m->unmapped) return make_int(env, 0);
  /* Invariant: detached first, so no view can reach the pages once they are gone. */
  CALL(env, napi_detach_arraybuffer(env, argv[0]));
  if (munmap(m->addr, m->len) != 0) return make_int(env, -errno);
  m->unmapped = 1;
  return make_int(env, 0);
}
