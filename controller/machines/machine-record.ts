import { initialTransition, transition, type AnyStateMachine, type EventFromLogic, type InputFrom, type SnapshotFrom } from 'xstate';

/**
 * One lifecycle kept as its machine's snapshot, moved on by xstate's pure `transition()`. The
 * snapshot is the truth the controller reads for its decisions. The effects a transition names
 * (actions declared in the machine's `setup()`, implemented by the controller through
 * `machine.provide()`) run after the new snapshot is in place, so an effect that reads the
 * record, or sends it another event, sees the state it was entered for.
 *
 * A plain record rather than an actor: thousands of robots and visits each cost a snapshot, and
 * a snapshot can be put back as it was (`restore`) when the store batch it changed with is rolled back.
 */
export class MachineRecord<TMachine extends AnyStateMachine> {
  /** The current snapshot: read it freely; only `send` and `restore` move it. */
  snapshot: SnapshotFrom<TMachine>;

  constructor(
    private readonly machine: TMachine,
    ...[input]: undefined extends InputFrom<TMachine> ? [input?: InputFrom<TMachine>] : [input: InputFrom<TMachine>]
  ) {
    const [snapshot, effects] = initialTransition(machine, ...([input] as never));
    this.snapshot = snapshot;
    runEffects(effects);
  }

  send(event: EventFromLogic<TMachine>): void {
    const [next, effects] = transition(this.machine, this.snapshot, event);
    this.snapshot = next;
    runEffects(effects);
  }

  /** Puts back a snapshot taken earlier (a rolled-back batch): no effect runs. */
  restore(snapshot: SnapshotFrom<TMachine>): void {
    this.snapshot = snapshot;
  }
}

function runEffects(effects: readonly { exec?: ((info: never, params: never) => void) | undefined; info: unknown; params: unknown }[]): void {
  for (const effect of effects) effect.exec?.(effect.info as never, effect.params as never);
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
