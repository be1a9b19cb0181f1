export { EmulatorClock } from './clock';
export { CallCounter, type ControlPlane } from './control';
export { type Emulator, type EmulatorOptions, startEmulator } from './emulator';
export { type EmulatorEvent, EventLog, labelUpdatedEvent, serviceEvent } from './events';
export { FaultInjector, type FaultSpec, QuotaEnforcer } from './faults';
export { StateFile } from './persistence';
export { RotationOrchestrator, type RotationRun, RotationScheduler } from './rotation';
export { createEmulatorServer, type EmulatorServerOptions } from './server';
