import { constants, type Stats } from 'node:fs';
import { composite } from '../catalogue/operation.js';
import type { AioContext } from '../context.js';
import { aioError, isAbortError } from '../errors.js';
import { type AioGroup, addCleanup, failGroup, type GroupOptions } from '../group.js';
import { type PathLike, validatePath } from '../validate.js';
import type { PathBytes } from './path.js';

export interface CopyArgs {
  src: PathBytes;
  dst: PathBytes;
}

const kCreateFlags = constants.O_CREAT | constants.O_WRONLY | constants.O_TRUNC;
/** The destination is created writable by its owner alone until the copy is complete. */
const kCreateMode = 0o200;

function prepareCopy(src: PathLike, dst: PathLike): CopyArgs {
  return { src: validatePath(src, 'src'), dst: validatePath(dst, 'dst') };
}

/** Set-user-ID and set-group-ID: kept only when the owner could be kept too, as `cp -p` does. */
const kSetIdBits = 0o6000;

/**
 * open src, fstat, create dst (mode 0o200), copy the data, then restore
 * times, owner and mode through the open dst. On any failure or
 * cancellation the descriptors are closed and a created dst is removed; the
 * group waits for that clean-up before it settles.
 *
 * Invariant: closes, the unlink of a partial dst and the creating open of
 * dst are clean-up members, never cancelled: a cancelled open could create
 * dst in the pool and have its fd released without anyone removing dst.
 */
export function startCopy(aio: AioContext, a: CopyArgs, group: AioGroup<void>): void {
  const priority = group.priority;
  let srcFd = -1;
  let dstFd = -1;
  let created = false;

  const close = (fd: number): void => addCleanup(group, aio.close(fd, { priority, callback: () => {} }));

  const cleanUp = (error: unknown): void => {
    if (srcFd >= 0) close(srcFd);
    if (dstFd >= 0) close(dstFd);
    if (created) addCleanup(group, aio.unlink(a.dst, { priority, callback: () => {} }));
    srcFd = dstFd = -1;
    created = false;
    failGroup(group, error);
  };

  const finishMetadata = (st: Stats): void => {
    const fd = dstFd;
    const setMode = (ownerKept: boolean): void => {
      // chmod after chown: chown clears set-id bits, and they are kept only with the owner.
      const mode = ownerKept ? st.mode & 0o7777 : st.mode & 0o7777 & ~kSetIdBits;
      group.add(
        aio.chmod(fd, mode, {
          priority,
          callback: (err) => {
            if (err !== null) return cleanUp(err);
            dstFd = -1;
            created = false;
            addCleanup(
              group,
              aio.close(fd, { priority, callback: (cerr) => cerr !== null && failGroup(group, cerr) }),
            );
          },
        }),
      );
    };
    group.add(
      aio.utime(fd, st.atimeMs / 1000, st.mtimeMs / 1000, {
        priority,
        callback: (err) => {
          if (err !== null) return cleanUp(err);
          group.add(
            aio.chown(fd, st.uid, st.gid, {
              priority,
              // Invariant: like IO::AIO, an owner that cannot be kept (EPERM as non-root) is not an error.
              callback: (cerr) => (isAbortError(cerr) ? cleanUp(cerr) : setMode(cerr === null)),
            }),
          );
        },
      }),
    );
  };

  group.add(
    aio.open(a.src, 'r', 0, {
      priority,
      callback: (err, fd) => {
        if (err !== null) return cleanUp(err);
        srcFd = fd;
        group.add(
          aio.stat(fd, {
            priority,
            callback: (serr, st) => {
              if (serr !== null) return cleanUp(serr);
              addCleanup(
                group,
                aio.open(a.dst, kCreateFlags, kCreateMode, {
                  priority,
                  callback: (oerr, out) => {
                    if (oerr !== null) return cleanUp(oerr);
                    dstFd = out;
                    created = true;
                    // Added to a cancelled group, sendfile is cancelled at once and cleanUp removes dst.
                    group.add(
                      aio.sendfile(out, fd, 0, st.size, {
                        priority,
                        callback: (cerr, sent) => {
                          if (cerr !== null) return cleanUp(cerr);
                          if (sent !== st.size) {
                            return cleanUp(
                              aioError(
                                'ERR_AIO_SHORT_COPY',
                                `Copied ${sent} of ${st.size} bytes: the source changed`,
                              ),
                            );
                          }
                          srcFd = -1;
                          close(fd);
                          finishMetadata(st);
                        },
                      }),
                    );
                  },
                }),
              );
            },
          }),
        );
      },
    }),
  );
}

export const copyOperation = composite({
  perl: 'aio_copy',
  syscall: 'copyfile',
  optsIndex: 2,
  prepare: (src: PathLike, dst: PathLike, _options?: GroupOptions<void>): CopyArgs => prepareCopy(src, dst),
  start: startCopy,
});

export const moveOperation = composite({
  perl: 'aio_move',
  syscall: 'rename',
  optsIndex: 2,
  prepare: (src: PathLike, dst: PathLike, _options?: GroupOptions<void>): CopyArgs => prepareCopy(src, dst),
  start: (aio: AioContext, a: CopyArgs, group: AioGroup<void>) => {
    const priority = group.priority;
    group.add(
      aio.rename(a.src, a.dst, {
        priority,
        callback: (err) => {
          if (err === null) return;
          if (err.code !== 'EXDEV') return failGroup(group, err);
          // Another file system: copy, and remove the source only once the copy is complete.
          group.add(
            aio.copy(a.src, a.dst, {
              priority,
              callback: (cerr) => {
                if (cerr !== null) return failGroup(group, cerr);
                group.add(
                  aio.unlink(a.src, {
                    priority,
                    callback: (uerr) => uerr !== null && failGroup(group, uerr),
                  }),
                );
              },
            }),
          );
        },
      }),
    );
  },
});
