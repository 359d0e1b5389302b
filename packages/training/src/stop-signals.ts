/**
 * SIGINT (Ctrl-C) and SIGTERM (`docker stop`, systemd, `timeout`, CI cancellation) ask a
 * training run to stop after the step in flight, with a checkpoint. A second signal exits at
 * once with the conventional code 128 + signal number (130, 143).
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** 128 + the signal's number: what a shell reports for a process the signal ended. */
export const SIGNAL_EXIT_CODES: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface StopSignalWatch {
  /** The first signal received, if any. */
  readonly received: StopSignal | undefined;
  /** One turn of the event loop, so that a pending signal's handler runs. */
  poll(): Promise<void>;
  /** Removes the handlers. */
  stop(): void;
}

export function watchStopSignals(stream: NodeJS.WritableStream = process.stderr): StopSignalWatch {
  let received: StopSignal | undefined;
  const handlers = new Map<StopSignal, () => void>();
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) {
    const handler = () => {
      if (received !== undefined) process.exit(SIGNAL_EXIT_CODES[signal]);
      received = signal;
      stream.write(`\n${signal === 'SIGINT' ? 'interrupt' : 'terminate'} (${signal}): finishing this step and saving a checkpoint (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to abort)\n`);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  return {
    get received() {
      return received;
    },
    poll: () => new Promise<void>((resolve) => setImmediate(resolve)),
    stop: () => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}
