// README "Requests": a request is made at once, is PromiseLike, takes a callback, fails with Node's
// errors and checks its arguments before anything is queued.
// Usage: node requests.js FILE DIR
import { aio } from '@ioaio/core';

const [file = '/etc/passwd', dir = '/etc'] = process.argv.slice(2);

/** The `code` a synchronous call throws, or 'no error'. */
function thrownCode(call: () => unknown): string {
  try {
    call();
    return 'no error';
  } catch (err) {
    return String((err as NodeJS.ErrnoException).code);
  }
}

const req = aio.stat(file, { priority: 2 }); // an AioRequest, at once
console.log(`state at the call: ${req.state}`); // 'ready' | 'execute' | 'pending' | 'result' | 'done'
const st = await req; // fs.Stats; a request is PromiseLike
console.log(`is a file: ${st.isFile()}`);

// Node-style callbacks work too; the callback runs before the request counts as done.
await aio.readdir(dir, {
  callback: (err, names) => {
    if (!err) console.log(`names in the directory: ${names.length}`);
  },
});

// Errors are Node's own: code, errno, syscall, path.
try {
  await aio.open(`${dir}/missing`, 'r');
} catch (err) {
  const { code, syscall } = err as NodeJS.ErrnoException;
  console.log(`open of a missing file: ${code} from ${syscall}`);
}

// Invalid arguments throw synchronously, before anything is queued.
console.log(`a NUL in the path: ${thrownCode(() => aio.stat('a\0b'))}`);
console.log(`priority 9: ${thrownCode(() => aio.stat('x', { priority: 9 }))}`);
const { stat } = aio;
console.log(`a method without its context: ${thrownCode(() => stat('x'))}`);
