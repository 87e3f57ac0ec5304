// Deep nesting: `depth` groups, each the only member of the one before, with a nop in the
// innermost, settled one of several ways (input.how). Prints one summary: how each group settled
// (tallied), what cancel()/abort() threw, the counters at the end, and anything that escaped.
import { core, input, outcomeName, report, settle, tally } from './lib.mjs';

const { depth, how } = input;
const ctx = core.createAio({ maxParallel: how === 'complete' ? 8 : 0 });
const controller = new AbortController();
const signal = controller.signal;
const callbacks = [];

/** The nest, outermost first; `optionsFor(parent)` gives each new group its options. */
function buildNest(optionsFor) {
  const groups = [];
  let parent = null;
  for (let i = 0; i < depth; i++) {
    const group = ctx.group({ ...optionsFor(parent), callback: (err) => callbacks.push(outcomeName(err)) });
    if (parent !== null) parent.add(group);
    groups.push(group);
    parent = group;
  }
  parent.add(ctx.nop());
  return groups;
}

const optionsOf = {
  complete: () => ({}),
  cancel: () => ({}),
  // Every group watches the same signal.
  'abort-shared': () => ({ signal }),
  // Only the outermost group has the signal; the others are cancelled as members.
  'abort-root': (parent) => (parent === null ? { signal } : {}),
  // Each group watches its parent's grp.signal: the abort travels down a chain of signals.
  'abort-chain': (parent) => ({ signal: parent === null ? signal : parent.signal }),
};

const groups = buildNest(optionsOf[how]);
let threw = null;
try {
  if (how === 'cancel') groups[0].cancel(new Error('stop'));
  else if (how !== 'complete') controller.abort(new Error('stop'));
} catch (err) {
  threw = `${err?.name}: ${err?.message}`;
}
const outcomes = await Promise.all(
  groups.map((g) =>
    g.then(
      () => 'ok',
      (err) => `${outcomeName(err)}:${err?.cause?.message}`,
    ),
  ),
);
const settled = await settle(ctx);
report({
  threw,
  settled,
  callbacks: tally(callbacks),
  outcomes: tally(outcomes),
  states: tally(groups.map((g) => g.state)),
  counters: [ctx.nreqs, ctx.nready, ctx.nexecute, ctx.npending],
});
