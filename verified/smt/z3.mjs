// The SMT solver for the proofs: z3 (npm z3-solver, WebAssembly), started once
// per process. A claim is proved by asking z3 for a counterexample: "unsat"
// means none exists for any value of the variables, "sat" comes with a model
// that the proof module prints as the counterexample.
let started;

export async function z3() {
  started ??= (async () => {
    const { init } = await import('z3-solver');
    return init();
  })();
  return started;
}

/**
 * Ask whether `claim` (a Bool expression of `Z`) can be false under the
 * `assumptions`. Returns { proved: true } or { proved: false, counterexample }
 * with the model's values of `show` (an object of name -> expression).
 */
export async function prove(Z, claim, assumptions = [], show = {}) {
  const s = new Z.Solver();
  for (const a of assumptions) s.add(a);
  s.add(Z.Not(claim));
  const r = await s.check();
  if (r === 'unsat') return { proved: true };
  if (r !== 'sat') return { proved: false, counterexample: `solver answered ${r}` };
  const m = s.model();
  const values = Object.entries(show).map(([k, e]) => `${k} = ${m.eval(e, true).toString()}`);
  return { proved: false, counterexample: values.join(', ') };
}

/** Let the process exit: z3's worker threads would keep it alive. */
export async function stopZ3() {
  if (started === undefined) return;
  const { em } = await started;
  em.PThread.terminateAllThreads();
}
