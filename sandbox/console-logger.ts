import type { LogExtra, Logger } from '../shared/app/logger';

const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
type Level = (typeof LEVELS)[number];

/** A readable one-line logger for the sandbox console (Lambda logs JSON through Powertools). */
export function consoleLogger(
  level: Level = 'INFO',
  write: (line: string) => void = (line) => console.log(line),
): Logger {
  const threshold = LEVELS.indexOf(level);
  const at =
    (which: Level) =>
    (message: string, ...extra: LogExtra[]) => {
      if (LEVELS.indexOf(which) < threshold) return;
      const details = extra.length ? ` ${JSON.stringify(Object.assign({}, ...extra))}` : '';
      write(`${new Date().toISOString()} ${which.padEnd(5)} ${message}${details}`);
    };
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}
