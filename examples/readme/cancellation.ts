// README "Cancellation": a signal aborted while the request waits, cancel(), and an already aborted signal.
// Usage: node cancellation.js FILE
import { AbortError, aio } from '@ioaio/core';

const [path = '/etc/passwd'] = process.argv.slice(2);

const ac = new AbortController();
const req = aio.open(path, 'r', 0o666, { signal: ac.signal });
ac.abort(new Error('user went away'));
const reason = await req.catch((err) => err instanceof AbortError && err.cause); // the reason
console.log(`aborted with: ${reason instanceof Error ? reason.message : String(reason)}`);
req.cancel(); // the same without a signal; a no-op once done
console.log(`state after cancel: ${req.state}`);

const late = aio.stat(path, { signal: AbortSignal.abort('too late') });
const code = await late.then(
  () => 'ran',
  (err: unknown) => (err instanceof AbortError ? `${err.code} (${String(err.cause)})` : 'other failure'),
);
console.log(`an already aborted signal: ${code}`);
