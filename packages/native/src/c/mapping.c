/*
 * Memory mappings for JavaScript (IO::AIO's mmap, munmap, mremap and mprotect helpers),
 * made on the main thread: an external ArrayBuffer over the mapping whose finalizer unmaps
 * it, unless an explicit munmap or mremap took the memory first (detaching the buffer, so
 * JavaScript never touches unmapped memory and nothing unmaps twice).
 */
#include "binding.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * One mapping. Owner: the ArrayBuffer's finalizer frees it; `unmapped` is set when an
 * explicit munmap or mremap took the memory. Main thread only.
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

/* A new mapping record and its ArrayBuffer as [arrayBuffer, handle]; NULL with an exception. */
static napi_value wrap_mapping(napi_env env, void *addr, size_t len) {
  napi_value ab, handle, out;
  mapping *m = calloc(1, sizeof *m);
  if (m == NULL || napi_create_external_arraybuffer(env, addr, len, on_buffer_gone, m, &ab) != napi_ok) {
    munmap(addr, len);
    free(m);
    throw_failure(env, "cannot wrap a mapping in an ArrayBuffer");
    return NULL;
  }
  m->addr = addr;
  m->len = len;
  /* Invariant: the handle is used only while JavaScript still holds `ab`, so `m` is alive. */
  CALL(env, napi_create_external(env, m, NULL, NULL, &handle));
  CALL(env, napi_create_array_with_length(env, 2, &out));
  CALL(env, napi_set_element(env, out, 0, ab));
  CALL(env, napi_set_element(env, out, 1, handle));
  return out;
}

/* mmap(length, prot, flags, fd, offset): [arrayBuffer, handle], or a negative errno. */
napi_value js_mmap(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  double length = 0, offset = 0;
  int32_t prot = 0, flags = 0, fd = -1;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CALL(env, napi_get_value_double(env, argv[0], &length));
  CALL(env, napi_get_value_int32(env, argv[1], &prot));
  CALL(env, napi_get_value_int32(env, argv[2], &flags));
  CALL(env, napi_get_value_int32(env, argv[3], &fd));
  CALL(env, napi_get_value_double(env, argv[4], &offset));
  void *addr = mmap(NULL, (size_t)length, prot, flags, fd, (off_t)offset);
  if (addr == MAP_FAILED) return make_int(env, -errno);
  return wrap_mapping(env, addr, (size_t)length);
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

/*
 * mremap(arrayBuffer, handle, newLength, flags): [newArrayBuffer, newHandle], or a negative
 * errno with the old buffer untouched. On success the old buffer is detached and its
 * record gives up the memory (its finalizer unmaps nothing), since the pages may have moved.
 */
napi_value js_mremap(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  void *data = NULL;
  double length = 0;
  int32_t flags = 0;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CALL(env, napi_get_value_external(env, argv[1], &data));
  CALL(env, napi_get_value_double(env, argv[2], &length));
  CALL(env, napi_get_value_int32(env, argv[3], &flags));
  mapping *m = data;
  void *addr = mremap(m->addr, m->len, (size_t)length, flags);
  if (addr == MAP_FAILED) return make_int(env, -errno);
  /* Invariant: no JavaScript runs between the mremap and the detach. */
  m->unmapped = 1;
  CALL(env, napi_detach_arraybuffer(env, argv[0]));
  return wrap_mapping(env, addr, (size_t)length);
}

/* mprotect(arrayBuffer, offset, length, prot) over the whole pages of the range: 0 or -errno. */
napi_value js_mprotect(napi_env env, napi_callback_info info) {
  size_t argc = 4, len = 0;
  napi_value argv[4];
  void *data = NULL;
  double offset = 0, length = 0;
  int32_t prot = 0;
  CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CALL(env, napi_get_arraybuffer_info(env, argv[0], &data, &len));
  CALL(env, napi_get_value_double(env, argv[1], &offset));
  CALL(env, napi_get_value_double(env, argv[2], &length));
  CALL(env, napi_get_value_int32(env, argv[3], &prot));
  if (offset < 0 || length < 0 || offset + length > (double)len) return make_int(env, -ERANGE);
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t at = (uintptr_t)data + (size_t)offset, start = at & ~(page - 1);
  return make_int(env, mprotect((void *)start, (size_t)length + (at - start), prot) == 0 ? 0 : -errno);
}
