/**
 * Reads PromQL with Prometheus's own grammar (@prometheus-io/lezer-promql): syntax errors, the vector
 * selectors (metric name and label matchers) and the grouping labels of aggregations.
 */
import { parser } from '@prometheus-io/lezer-promql';

export interface Matcher {
  readonly label: string;
  readonly op: string;
  readonly value: string;
}

export interface Selector {
  readonly metric: string;
  readonly matchers: Matcher[];
}

export interface ParsedPromQL {
  /** Text around each syntax error; empty when the expression parses. */
  readonly errors: string[];
  readonly selectors: Selector[];
  /** Labels of every `by (...)` / `without (...)` clause. */
  readonly groupingLabels: string[];
  /** Function names called. */
  readonly functions: string[];
}

export function parsePromQL(expr: string): ParsedPromQL {
  const tree = parser.parse(expr);
  const text = (from: number, to: number) => expr.slice(from, to);
  const errors: string[] = [];
  const selectors: Selector[] = [];
  const groupingLabels: string[] = [];
  const functions: string[] = [];
  const cursor = tree.cursor();
  do {
    const type = cursor.type;
    if (type.isError) errors.push(`at ${cursor.from}: ${JSON.stringify(text(Math.max(0, cursor.from - 10), cursor.to + 10))}`);
    if (type.name === 'FunctionIdentifier') functions.push(text(cursor.from, cursor.to));
    if (type.name === 'GroupingLabels') {
      const node = cursor.node;
      for (const child of node.getChildren('LabelName')) groupingLabels.push(text(child.from, child.to));
    }
    if (type.name === 'VectorSelector') {
      const node = cursor.node;
      const id = node.getChild('Identifier');
      const matchers: Matcher[] = [];
      const list = node.getChild('LabelMatchers');
      for (const m of list?.getChildren('UnquotedLabelMatcher') ?? []) {
        const label = m.getChild('LabelName');
        const op = m.getChild('MatchOp');
        const value = m.getChild('StringLiteral');
        matchers.push({
          label: label ? text(label.from, label.to) : '',
          op: op ? text(op.from, op.to) : '',
          value: value ? JSON.parse(text(value.from, value.to)) : '',
        });
      }
      selectors.push({ metric: id ? text(id.from, id.to) : '', matchers });
    }
  } while (cursor.next());
  return { errors, selectors, groupingLabels, functions };
}
