/**
 * A recording Pulumi mock: every registered resource with its inputs, parent, explicit dependencies and
 * `protect` flag, and every invoke. Unmocked invokes throw, so a program cannot silently call Azure.
 *
 * Import this module (and call {@link installMocks}) before the program under test.
 */
import * as pulumi from '@pulumi/pulumi';

/** One registered resource. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, any>;
  readonly custom: boolean;
  readonly protect: boolean;
  /** Left in place by `pulumi destroy`. */
  readonly retainOnDelete: boolean;
  readonly parent: string;
  /** URNs of the explicit and implicit (input) dependencies. */
  readonly dependencies: readonly string[];
  readonly provider: string;
}

/** One invoke. */
export interface RecordedInvoke {
  readonly token: string;
  readonly inputs: Record<string, any>;
}

/** Answers an invoke; return undefined to let it fail as unmocked. */
export type InvokeHandler = (inputs: Record<string, any>) => Record<string, any>;

/** Computes the state (outputs) of a new resource from its type, name and inputs. */
export type StateHandler = (args: pulumi.runtime.MockResourceArgs) => Record<string, any> | undefined;

interface Meta {
  readonly urn: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly parent: string;
  readonly dependencies: string[];
  readonly provider: string;
}

/** The recorder; reset between tests with {@link Recorder.reset}. */
export class Recorder {
  public resources: RecordedResource[] = [];
  public invokes: RecordedInvoke[] = [];
  public invokeHandlers = new Map<string, InvokeHandler>();
  public stateHandler: StateHandler = () => undefined;
  private readonly meta = new Map<string, Meta>();

  /**
   * Errors the program raised in an `apply` that nothing awaited: how a Pulumi program fails a run (the
   * language host reports unhandled rejections). Tests that expect a failure take them with {@link takeFailures}.
   */
  public failures: Error[] = [];

  /** Returns and clears the recorded program failures. */
  takeFailures(): string[] {
    const out = this.failures.map((e) => e.message);
    this.failures = [];
    return [...new Set(out)];
  }

  reset(): void {
    this.failures = [];
    this.resources = [];
    this.invokes = [];
    this.meta.clear();
  }

  /** Resources of a type (e.g. `azure-native:keyvault:Vault`). */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this type and name; throws listing what exists otherwise. */
  get(type: string, name: string): RecordedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
      const names = this.ofType(type).map((r) => r.name);
      throw new Error(`expected one ${type} named ${name}, found ${found.length} (names of that type: ${names.join(', ') || 'none'})`);
    }
    return found[0]!;
  }

  /** @internal */
  noteRegistration(name: string, type: string, meta: Meta): void {
    this.meta.set(`${type}::${name}`, meta);
  }

  /** @internal */
  metaOf(type: string, name: string) {
    return this.meta.get(`${type}::${name}`) ?? { urn: '', protect: false, retainOnDelete: false, parent: '', dependencies: [], provider: '' };
  }
}

/** Installs the mocks (preview or update) and returns the recorder. */
export async function installMocks(options: { readonly preview?: boolean; readonly stack?: string } = {}): Promise<Recorder> {
  const recorder = new Recorder();
  // Pulumi records each resource's source position from an unlimited `new Error().stack`, which Jest's
  // source-map hook makes cost milliseconds per resource; tests do not look at positions.
  (pulumi.Resource as unknown as { callsites(): unknown[] }).callsites = () => [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const meta = recorder.metaOf(args.type, args.name);
        recorder.resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? true,
          ...meta,
        });
        const { id, ...state } = recorder.stateHandler(args) ?? {};
        return {
          id: args.custom === false ? undefined : ((id as string | undefined) ?? `${args.name}-id`),
          state: { ...args.inputs, ...state },
        };
      },
      call(args) {
        recorder.invokes.push({ token: args.token, inputs: args.inputs });
        const handler = recorder.invokeHandlers.get(args.token);
        if (!handler) throw new Error(`unmocked invoke ${args.token}(${JSON.stringify(args.inputs)})`);
        return handler(args.inputs);
      },
    },
    'kv-secrets-sync',
    options.stack ?? 'test',
    options.preview ?? false,
  );
  // The mock API passes no dependencies or options: read them from the registration request.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: any, cb: (...a: any[]) => void): unknown;
    newUrn(parent: string, type: string, name: string): string;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: (...a: any[]) => void) => {
    const propertyDeps: string[] = [];
    req.getPropertydependenciesMap().forEach((v: any) => propertyDeps.push(...v.getUrnsList()));
    recorder.noteRegistration(req.getName(), req.getType(), {
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      parent: req.getParent(),
      dependencies: [...new Set([...req.getDependenciesList(), ...propertyDeps])],
      provider: req.getProvider(),
    });
    return register(req, cb);
  };
  // Jest's sandboxed `process` is a copy; the rejection events go to the real one of the outer context.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const realProcess = (require('node:vm') as typeof import('node:vm')).runInThisContext('process') as NodeJS.Process;
  realProcess.removeAllListeners('unhandledRejection');
  realProcess.on('unhandledRejection', (reason) => {
    recorder.failures.push(reason instanceof Error ? reason : new Error(String(reason)));
  });
  return recorder;
}

/** Waits until every pending registration and invoke of the program has been answered. */
export async function settle(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
}

/** The value of an Output (rejects when the Output failed). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return (o as unknown as { promise(): Promise<T> }).promise();
}
