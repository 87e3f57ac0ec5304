// README "A queue for p-queue users": add with a priority, addAll, onIdle.
// Usage: node queue.js FILE...
import { aio } from '@ioaio/core';

const [file = '/etc/passwd', ...files] = process.argv.slice(2);

const q = aio.queue({ concurrency: 16 });
const st = await q.add(({ priority, signal }) => aio.stat(file, { priority, signal }), { priority: 2 });
const all = q.addAll(files.map((f) => () => aio.stat(f)));
await q.onIdle();
const sizes = (await all).map((s) => s.size);
console.log(
  `first: ${st.size} bytes; then ${sizes.length} more: ${sizes.join(' ')}; size ${q.size}, pending ${q.pending}`,
);
