import { setup } from 'xstate';

/**
 * The facility as operators steer it: running, or under an operator's emergency stop of every
 * robot, during which nothing is decided and nothing released. Its effects (traffic frozen on
 * the stop, thawed on its release) are named here and implemented by the controller.
 */
export type FacilityEvent = { type: 'EMERGENCY_STOP' } | { type: 'RELEASE' };

export const facilityMachine = setup({
  types: { events: {} as FacilityEvent },
  actions: {
    /** Release no cell to anyone. */
    freezeTraffic: () => {},
    /** Release cells again. */
    thawTraffic: () => {},
  },
}).createMachine({
  id: 'facility',
  initial: 'running',
  states: {
    running: { on: { EMERGENCY_STOP: 'emergencyStop' } },
    emergencyStop: { entry: 'freezeTraffic', exit: 'thawTraffic', on: { RELEASE: 'running' } },
  },
});
