/**
 * Evaluates a ValidatingAdmissionPolicy the way the API server does, with a real CEL implementation
 * (@bufbuild/cel): matchConditions first, then the variables in order (each sees the ones before it as
 * `variables.<name>`), then every validation; a failed validation reports its messageExpression.
 */
import { isCelError, parse, run } from '@bufbuild/cel';
import type { PolicyValidation, PolicyVariable } from '../../constructs';

export interface PolicyUnderTest {
  readonly matchConditions: readonly PolicyVariable[];
  readonly variables: readonly PolicyVariable[];
  readonly validations: readonly PolicyValidation[];
}

export interface AdmissionInput {
  readonly object: unknown;
  readonly oldObject?: unknown;
  readonly namespace: string;
  readonly operation?: 'CREATE' | 'UPDATE';
}

export interface AdmissionResult {
  /** False when a matchCondition excluded the request (the policy does not apply). */
  readonly matched: boolean;
  /** Messages of the failed validations. */
  readonly denied: string[];
}

function evaluate(expression: string, bindings: Record<string, unknown>): unknown {
  const out = run(expression, bindings as never);
  if (isCelError(out)) throw new Error(`CEL error in ${expression}: ${String(out.message ?? out)}`);
  return out;
}

/** Runs the policy against one request. CEL errors throw (the API server would refuse with failurePolicy Fail). */
export function admit(policy: PolicyUnderTest, input: AdmissionInput): AdmissionResult {
  const operation = input.operation ?? 'CREATE';
  const base: Record<string, unknown> = {
    object: input.object,
    oldObject: input.oldObject ?? null,
    request: { namespace: input.namespace, operation },
    params: null,
  };
  for (const c of policy.matchConditions) {
    if (evaluate(c.expression, base) !== true) return { matched: false, denied: [] };
  }
  const variables: Record<string, unknown> = {};
  for (const v of policy.variables) {
    variables[v.name] = evaluate(v.expression, { ...base, variables });
  }
  const bindings = { ...base, variables };
  const denied: string[] = [];
  for (const v of policy.validations) {
    const ok = evaluate(v.expression, bindings);
    if (ok !== true) denied.push(String(evaluate(v.messageExpression, bindings)));
  }
  return { matched: true, denied };
}

/** Every function and operator a CEL expression calls (macros appear as the comprehensions they expand to). */
export function celFunctions(expression: string): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.$typeName === 'cel.expr.Expr.Call' && typeof n.function === 'string') found.add(n.function);
    if (n.$typeName === 'cel.expr.Expr.Comprehension') found.add('(comprehension)');
    for (const v of Object.values(n)) if (typeof v === 'object') walk(v);
  };
  walk(parse(expression).expr);
  return [...found].sort();
}
