/**
 * Monitors as code: `import { CronSentryMonitor, MonitorSource } from 'cronsentry/constructs'`
 * (package.json "exports"). docs/as-code.md shows a complete stack.
 */
export { CronSentryMonitor, type CronSentryMonitorProps } from './cronsentry-monitor';
export { MonitorSource, type AwsSourceJson } from './monitor-source';
export { MonitorProvider } from './monitor-provider';
