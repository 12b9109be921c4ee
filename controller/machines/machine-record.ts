import { createActor, type Actor, type AnyStateMachine, type EventFromLogic, type InputFrom, type Snapshot, type SnapshotFrom } from 'xstate';

/**
 * One lifecycle: its machine's actor, and the actor's latest snapshot as a plain field, the
 * truth the controller reads for its decisions (a read is a field read, not a call). The
 * effects a transition names (actions declared in the machine's `setup()`, implemented by the
 * controller through `machine.provide()`) run during the transition: they take the new context
 * from their arguments and do not read the record, whose snapshot is set once the transition
 * is done. A state can be captured and put back as it was (`restore`), for a store batch that
 * is rolled back.
 */
export class MachineRecord<TMachine extends AnyStateMachine> {
  /** The current snapshot: read it freely; only `send` and `restore` move it. */
  snapshot: SnapshotFrom<TMachine>;
  /** Told after every change of the snapshot (a send or a restore): an index kept beside it. */
  onChange: (() => void) | null = null;
  /**
   * Made at the first `send` or `restore`: until then the record is in its machine's initial
   * state, shared by every record of the machine made without input (a wave of requests makes
   * thousands of visits, most of which wait a while before their first event). So a machine
   * made without input must run no effect on entering its initial state: it would run once,
   * not once per record.
   */
  private actor: Actor<TMachine> | null = null;
  private readonly input: InputFrom<TMachine> | undefined;

  constructor(
    private readonly machine: TMachine,
    ...[input]: undefined extends InputFrom<TMachine> ? [input?: InputFrom<TMachine>] : [input: InputFrom<TMachine>]
  ) {
    this.input = input;
    if (input === undefined) {
      this.snapshot = initialStateOf(machine).snapshot as SnapshotFrom<TMachine>;
    } else {
      this.actor = this.started();
      this.snapshot = this.actor.getSnapshot();
    }
  }

  send(event: EventFromLogic<TMachine>): void {
    this.actor ??= this.started();
    this.actor.send(event);
    this.snapshot = this.actor.getSnapshot();
    this.onChange?.();
  }

  /** The state now, to put back with `restore`. */
  capture(): Snapshot<unknown> {
    return this.actor ? this.actor.getPersistedSnapshot() : initialStateOf(this.machine).persisted;
  }

  /** Puts back a state captured earlier (a rolled-back batch): no effect runs. */
  restore(captured: Snapshot<unknown>): void {
    this.actor?.stop();
    this.actor = createActor(this.machine, { snapshot: captured, input: this.input } as never);
    this.actor.start();
    this.snapshot = this.actor.getSnapshot();
    this.onChange?.();
  }

  private started(): Actor<TMachine> {
    const actor = createActor(this.machine, { input: this.input } as never);
    actor.start();
    return actor;
  }
}

/** Each machine's initial state without input (its snapshot, and that snapshot persisted), made once. */
const initialStates = new WeakMap<AnyStateMachine, { snapshot: unknown; persisted: Snapshot<unknown> }>();

function initialStateOf(machine: AnyStateMachine): { snapshot: unknown; persisted: Snapshot<unknown> } {
  let state = initialStates.get(machine);
  if (!state) {
    const actor = createActor(machine);
    actor.start();
    state = { snapshot: actor.getSnapshot(), persisted: actor.getPersistedSnapshot() };
    actor.stop();
    initialStates.set(machine, state);
  }
  return state;
}

/**
 * A machine's state value in words for people, region by region: `connection online, hold
 * held.positionInDoubt, …` (the console shows it).
 */
export function describeStateValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return Object.entries(value as Record<string, unknown>)
    .map(([region, state]) => `${region} ${typeof state === 'string' ? state : `${Object.keys(state as object)[0]}.${describeStateValue(Object.values(state as object)[0])}`}`)
    .join(', ');
}
